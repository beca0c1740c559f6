// Grounders of GorillaFileSystem (names from the working directory in the state) and MathAPI (numbers from
// earlier results when there are any, else small fresh ones).
import { classTable } from "../../../envs/bfcl/data";
import { asRecord, classState, randInt, resultNumbers, round2, sample, wordsOf, type Args, type Grounder, type GroundingContext } from "./context";

const NEW_FILES = ["notes.txt", "summary.md", "todo.txt", "draft_v2.txt", "meeting_minutes.txt", "budget.csv", "ideas.md", "checklist.txt", "results.txt", "plan.txt"];
const NEW_DIRS = ["archive_2024", "backup", "drafts", "reports", "old_files", "shared", "review", "projects"];
const SENTENCES = [
  "Quarterly numbers look stable.",
  "Remember to back up the project folder.",
  "Team sync moved to Thursday at 10am.",
  "Draft approved by the review board.",
  "Pending items: budget sign-off and final edits.",
  "All tests passed on the latest build.",
];

interface FsNode {
  type: string;
  name?: string;
  content?: unknown;
  contents?: Record<string, FsNode>;
}

function cwdNode(ctx: GroundingContext): FsNode | undefined {
  let node = asRecord(classState(ctx, "GorillaFileSystem").root) as unknown as FsNode;
  for (const name of ctx.cwd) {
    const next = node.contents?.[name];
    if (!next || next.type !== "directory") return undefined;
    node = next;
  }
  return node;
}

function entries(ctx: GroundingContext): { files: string[]; dirs: string[]; all: Record<string, FsNode> } {
  const all = cwdNode(ctx)?.contents ?? {};
  const files: string[] = [];
  const dirs: string[] = [];
  for (const [name, node] of Object.entries(all)) {
    // Names the class refuses, or too long to type, are left out.
    if (name.length > 60 || /[|/\\?%*:"<>]/.test(name)) continue;
    if (node.type === "file") files.push(name);
    else if (node.type === "directory") dirs.push(name);
  }
  return { files, dirs, all };
}

function textFiles(ctx: GroundingContext): string[] {
  const { files, all } = entries(ctx);
  return files.filter((f) => typeof all[f].content === "string" && (all[f].content as string).length > 0);
}

function fresh(ctx: GroundingContext, pool: readonly string[], k = 2): string[] {
  const taken = new Set(Object.keys(entries(ctx).all));
  return sample(ctx, pool.filter((n) => !taken.has(n)), k);
}

function subtreeNames(node: FsNode | undefined, out: string[] = [], depth = 0): string[] {
  if (!node?.contents || depth > 4) return out;
  for (const [name, child] of Object.entries(node.contents)) {
    out.push(name);
    subtreeNames(child, out, depth + 1);
  }
  return out;
}

const each = (names: string[], f: (n: string) => Args): Args[] => names.map(f);

export const FILE_GROUNDERS: Record<string, Grounder> = {
  pwd: () => [{}],
  ls: (ctx) => sample(ctx, [{}, { a: true }], 2),
  du: (ctx) => sample(ctx, [{ human_readable: true }, {}], 2),
  cd: (ctx) => {
    const out = each(sample(ctx, entries(ctx).dirs, 4), (d) => ({ folder: d }));
    if (ctx.cwd.length > 0) out.push({ folder: ".." });
    return out;
  },
  mkdir: (ctx) => each(fresh(ctx, NEW_DIRS), (d) => ({ dir_name: d })),
  touch: (ctx) => each(fresh(ctx, NEW_FILES), (f) => ({ file_name: f })),
  echo: (ctx) => each(sample(ctx, entries(ctx).files, 3), (f) => ({ content: ctx.rng.pick(SENTENCES), file_name: f })),
  cat: (ctx) => each(sample(ctx, entries(ctx).files, 4), (f) => ({ file_name: f })),
  sort: (ctx) => each(sample(ctx, textFiles(ctx), 4), (f) => ({ file_name: f })),
  wc: (ctx) =>
    each(sample(ctx, textFiles(ctx), 4), (f) => {
      const mode = ctx.rng.pick(["l", "w", "c", null]);
      return mode ? { file_name: f, mode } : { file_name: f };
    }),
  tail: (ctx) =>
    each(sample(ctx, textFiles(ctx), 4), (f) => (ctx.rng.next() < 0.5 ? { file_name: f, lines: randInt(ctx, 1, 5) } : { file_name: f })),
  grep: (ctx) => {
    const { all } = entries(ctx);
    const out: Args[] = [];
    for (const f of sample(ctx, textFiles(ctx), 4)) {
      const words = wordsOf(all[f].content as string);
      if (words.length) out.push({ file_name: f, pattern: ctx.rng.pick(words) });
    }
    return out;
  },
  diff: (ctx) => {
    const files = sample(ctx, textFiles(ctx), 4);
    const out: Args[] = [];
    for (let i = 0; i + 1 < files.length; i += 2) out.push({ file_name1: files[i], file_name2: files[i + 1] });
    return out;
  },
  find: (ctx) => {
    const names = subtreeNames(cwdNode(ctx)).filter((n) => n.length <= 60);
    const needles = new Set<string>();
    for (const n of sample(ctx, names, 4)) {
      const ext = /\.[a-z]{2,4}$/.exec(n)?.[0];
      needles.add(ext && ctx.rng.next() < 0.5 ? ext : n);
    }
    return [...needles].map((name) => (ctx.rng.next() < 0.5 ? { path: ".", name } : { name }));
  },
  rm: (ctx) => each(sample(ctx, entries(ctx).files, 4), (f) => ({ file_name: f })),
  rmdir: (ctx) => {
    const { dirs, all } = entries(ctx);
    return each(sample(ctx, dirs.filter((d) => Object.keys(all[d].contents ?? {}).length === 0), 3), (d) => ({ dir_name: d }));
  },
  mv: (ctx) => moveOrCopy(ctx, true),
  cp: (ctx) => moveOrCopy(ctx, false),
};

function moveOrCopy(ctx: GroundingContext, isMove: boolean): Args[] {
  const { files, dirs, all } = entries(ctx);
  const sources = sample(ctx, isMove ? [...files, ...dirs] : files, 4);
  const out: Args[] = [];
  for (const source of sources) {
    const targets = dirs.filter((d) => d !== source && !all[d].contents?.[source]);
    if (targets.length && ctx.rng.next() < 0.6) out.push({ source, destination: ctx.rng.pick(targets) });
    else {
      const dot = source.lastIndexOf(".");
      const stem = dot > 0 ? source.slice(0, dot) : source;
      const ext = dot > 0 ? source.slice(dot) : "";
      const name = `${stem}_${ctx.rng.pick(["copy", "backup", "old", "final", "v2"])}${ext}`;
      if (!all[name]) out.push({ source, destination: name });
    }
  }
  return out;
}

// ---- MathAPI ----

const IMPERIAL_PAIRS = [
  ["cm", "in"], ["in", "cm"], ["m", "ft"], ["ft", "m"], ["m", "yd"], ["yd", "m"], ["km", "miles"], ["miles", "km"],
  ["kg", "lb"], ["lb", "kg"], ["celsius", "fahrenheit"], ["fahrenheit", "celsius"],
] as const;

let siUnits: string[] | undefined;
function siUnitNames(): string[] {
  siUnits ??= Object.keys(classTable("math_api:MathAPI.si_unit_conversion:to_meters") as Record<string, number>);
  return siUnits;
}

/** Numbers to compute with: recent results first (a dependency), then fresh ones. */
function numbers(ctx: GroundingContext, k: number, positive = false): number[] {
  const fromResults = resultNumbers(ctx).filter((n) => (positive ? n > 0 : true) && String(n).length <= 12);
  const freshOnes = Array.from({ length: k }, () => (ctx.rng.next() < 0.5 ? randInt(ctx, 2, 500) : round2(1 + ctx.rng.next() * 300)));
  const pool = [...fromResults.slice(0, 3), ...freshOnes];
  return ctx.rng.next() < 0.7 ? pool.slice(0, k) : ctx.rng.shuffle(pool).slice(0, k);
}

function pairs(ctx: GroundingContext, f: (a: number, b: number) => Args | null, positive = false): Args[] {
  const ns = numbers(ctx, 4, positive);
  const out: Args[] = [];
  for (let i = 0; i < ns.length; i++) {
    const j = (i + 1) % ns.length;
    if (i === j) continue;
    const args = f(ns[i], ns[j]);
    if (args) out.push(args);
  }
  return out;
}

const listArgs = (ctx: GroundingContext): Args[] => [{ numbers: numbers(ctx, randInt(ctx, 3, 5)) }, { numbers: numbers(ctx, 3).reverse() }];

export const MATH_GROUNDERS: Record<string, Grounder> = {
  absolute_value: (ctx) => numbers(ctx, 3).map((n) => ({ number: ctx.rng.next() < 0.5 ? -n : n })),
  add: (ctx) => pairs(ctx, (a, b) => ({ a, b })),
  subtract: (ctx) => pairs(ctx, (a, b) => ({ a, b })),
  multiply: (ctx) => pairs(ctx, (a, b) => ({ a, b })),
  divide: (ctx) => pairs(ctx, (a, b) => (b === 0 ? null : { a, b })),
  percentage: (ctx) => pairs(ctx, (a, b) => (a === 0 || b === 0 ? null : a < b ? { part: a, whole: b } : { part: b, whole: a }), true),
  power: (ctx) => numbers(ctx, 3).map((n) => ({ base: Math.min(Math.round(Math.abs(n)) % 20 || 2, 20), exponent: randInt(ctx, 2, 4) })),
  round_number: (ctx) =>
    numbers(ctx, 3).map((n) => {
      const value = Number.isInteger(n) ? Math.round((n + ctx.rng.next()) * 1000) / 1000 : n;
      return ctx.rng.next() < 0.7 ? { number: value, decimal_places: randInt(ctx, 0, 2) } : { number: value };
    }),
  square_root: (ctx) => numbers(ctx, 3, true).map((n) => ({ number: n, precision: randInt(ctx, 3, 8) })),
  logarithm: (ctx) => numbers(ctx, 3, true).map((n) => ({ value: n, base: ctx.rng.pick([2, 10]), precision: randInt(ctx, 4, 8) })),
  imperial_si_conversion: (ctx) =>
    numbers(ctx, 3).map((value) => {
      const [unit_in, unit_out] = ctx.rng.pick(IMPERIAL_PAIRS);
      return { value, unit_in, unit_out };
    }),
  si_unit_conversion: (ctx) =>
    numbers(ctx, 3).map((value) => {
      const [unit_in, unit_out] = ctx.rng.shuffle(siUnitNames());
      return { value, unit_in, unit_out };
    }),
  max_value: listArgs,
  min_value: listArgs,
  mean: listArgs,
  sum_values: listArgs,
  standard_deviation: listArgs,
};
