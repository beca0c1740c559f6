// A study's table in the shape of the paper's Table 2: per mode, over seeds, the final held-out score (overall and
// per category) as mean ± sd, the difference to static, the area under the informative-fraction curve, rollouts
// and wall time, and what synthesis cost beside the rollouts (cost-share.ts); plus per-step curves with bands.
// Pure: the service hands in per-run numbers.
import { csvLine } from "./csv";

export interface StudyRunInput {
  runId: string;
  mode: string;
  seed: number;
  status: string;
  steps: number;
  rollouts: number;
  wallSeconds: number | null;
  /** final held-out success, overall and per category (null until evaluated) */
  heldOutFinal: number | null;
  heldOutFinalByCategory: Record<string, number>;
  heldOutInitial: number | null;
  /** informative fraction and mean reward of each done step, in step order */
  informative: (number | null)[];
  reward: (number | null)[];
  /** the run's synthesis cost share (headline metric of cost-share.ts), 0 for static; null when not known */
  synthesisShare: number | null;
  /** the metric of that share (tokens, wall, cpu) and whether it counts estimated tokens (cost-share.ts) */
  costBasis?: string | null;
  isCostEstimated?: boolean;
}

export interface MeanSd {
  mean: number | null;
  sd: number | null;
  n: number;
}

export interface StudyModeRow {
  mode: string;
  runs: string[];
  seeds: number[];
  completed: number;
  heldOutFinal: MeanSd;
  byCategory: Record<string, MeanSd>;
  /** mean over seeds of (mode − static) final held-out, paired by seed when both exist */
  deltaToStatic: MeanSd | null;
  informativeAuc: MeanSd;
  steps: MeanSd;
  rollouts: MeanSd;
  wallSeconds: MeanSd;
  synthesisShare: MeanSd;
  /** the share's metric and whether it is an estimate, as the mode's runs say (a study's runs share both) */
  costBasis: string | null;
  isCostEstimated: boolean;
}

export interface StudyCurvePoint {
  step: number;
  mean: number;
  low: number;
  high: number;
  n: number;
}

export interface StudyTable {
  categories: string[];
  rows: StudyModeRow[];
  curves: { mode: string; informative: StudyCurvePoint[]; reward: StudyCurvePoint[] }[];
}

/** Mean and sample standard deviation (n − 1); sd is null below two values. */
export function meanSd(values: readonly (number | null | undefined)[]): MeanSd {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, sd: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd, n: xs.length };
}

/** Area under the informative-fraction curve over steps (rectangle rule, one unit per step): "informative steps". */
export function informativeAuc(curve: readonly (number | null)[]): number | null {
  const xs = curve.filter((v): v is number => typeof v === "number");
  return xs.length ? xs.reduce((a, b) => a + b, 0) : null;
}

function band(series: (number | null)[][]): StudyCurvePoint[] {
  const length = Math.max(0, ...series.map((s) => s.length));
  const out: StudyCurvePoint[] = [];
  for (let step = 0; step < length; step++) {
    const s = meanSd(series.map((x) => x[step]));
    if (s.mean === null) continue;
    const half = s.sd ?? 0;
    out.push({ step: step + 1, mean: s.mean, low: s.mean - half, high: s.mean + half, n: s.n });
  }
  return out;
}

export function buildStudyTable({ modes, runs }: { modes: readonly string[]; runs: readonly StudyRunInput[] }): StudyTable {
  const categories = [...new Set(runs.flatMap((r) => Object.keys(r.heldOutFinalByCategory)))].sort();
  const staticBySeed = new Map(runs.filter((r) => r.mode === "static").map((r) => [r.seed, r.heldOutFinal]));
  const rows = modes.map((mode): StudyModeRow => {
    const mine = runs.filter((r) => r.mode === mode).sort((a, b) => a.seed - b.seed);
    const deltas = mine.map((r) => {
      const base = staticBySeed.get(r.seed);
      return r.heldOutFinal !== null && typeof base === "number" ? r.heldOutFinal - base : null;
    });
    return {
      mode,
      runs: mine.map((r) => r.runId),
      seeds: mine.map((r) => r.seed),
      completed: mine.filter((r) => r.status === "completed").length,
      heldOutFinal: meanSd(mine.map((r) => r.heldOutFinal)),
      byCategory: Object.fromEntries(categories.map((c) => [c, meanSd(mine.map((r) => r.heldOutFinalByCategory[c]))])),
      deltaToStatic: staticBySeed.size ? meanSd(deltas) : null,
      informativeAuc: meanSd(mine.map((r) => informativeAuc(r.informative))),
      steps: meanSd(mine.map((r) => r.steps)),
      rollouts: meanSd(mine.map((r) => r.rollouts)),
      wallSeconds: meanSd(mine.map((r) => r.wallSeconds)),
      synthesisShare: meanSd(mine.map((r) => r.synthesisShare)),
      costBasis: mine.find((r) => r.costBasis)?.costBasis ?? null,
      isCostEstimated: mine.some((r) => r.isCostEstimated === true),
    };
  });
  const curves = modes.map((mode) => {
    const mine = runs.filter((r) => r.mode === mode);
    return { mode, informative: band(mine.map((r) => r.informative)), reward: band(mine.map((r) => r.reward)) };
  });
  return { categories, rows, curves };
}

function fmt(s: MeanSd | null, digits: number, scale = 1, signed = false): string {
  if (!s || s.mean === null) return "—";
  const m = (s.mean * scale).toFixed(digits);
  const mean = signed && s.mean > 0 ? `+${m}` : m;
  return s.sd === null ? mean : `${mean} ± ${(s.sd * scale).toFixed(digits)}`;
}

/** The table as Markdown; held-out scores in % (BFCL's accuracy), mean ± sd over seeds. */
export function studyMarkdown(table: StudyTable): string {
  const head = ["mode", "seeds", "held-out %", ...table.categories.map((c) => `${c} %`), "Δ vs static (pp)", "informative AUC (steps)", "steps", "rollouts", "wall s", "synthesis cost %"];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of table.rows) {
    lines.push(
      `| ${[
        r.mode,
        `${r.completed}/${r.runs.length}`,
        fmt(r.heldOutFinal, 1, 100),
        ...table.categories.map((c) => fmt(r.byCategory[c] ?? null, 1, 100)),
        r.mode === "static" ? "—" : fmt(r.deltaToStatic, 1, 100, true),
        fmt(r.informativeAuc, 2),
        fmt(r.steps, 0),
        fmt(r.rollouts, 0),
        fmt(r.wallSeconds, 0),
        fmt(r.synthesisShare, 1, 100),
      ].join(" | ")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The table as CSV: one row per mode, mean and sd in their own columns (fractions, not %). */
export function studyCsv(table: StudyTable): string {
  const pairs = (name: string) => [`${name}_mean`, `${name}_sd`];
  const head = ["mode", "seeds", "completed", ...pairs("held_out"), ...table.categories.flatMap((c) => pairs(`held_out_${c}`)), ...pairs("delta_vs_static"), ...pairs("informative_auc"), ...pairs("steps"), ...pairs("rollouts"), ...pairs("wall_seconds"), ...pairs("synthesis_cost_share"), "synthesis_cost_basis", "synthesis_cost_estimated"];
  const cells = (s: MeanSd | null | undefined) => [s?.mean ?? null, s?.sd ?? null];
  const rows = table.rows.map((r) => [
    r.mode,
    r.runs.length,
    r.completed,
    ...cells(r.heldOutFinal),
    ...table.categories.flatMap((c) => cells(r.byCategory[c])),
    ...(r.mode === "static" ? [null, null] : cells(r.deltaToStatic)),
    ...cells(r.informativeAuc),
    ...cells(r.steps),
    ...cells(r.rollouts),
    ...cells(r.wallSeconds),
    ...cells(r.synthesisShare),
    r.costBasis,
    r.isCostEstimated,
  ]);
  return `${[head, ...rows].map(csvLine).join("\n")}\n`;
}
