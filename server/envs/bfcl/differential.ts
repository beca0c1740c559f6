// The differential harness: replays the reference traces on our environment and compares, per class, every result
// and every state (data/bfcl/README.md "How a reimplementation is judged"). Test support; reads trace files.
import { BFCL_CLASSES, funcDocs, getBfclEntry } from "./data";
import { createBfclEnvironment, type BfclEnvironment } from "./bfcl-env";
import { createBfclClass, STATELESS_CLASSES } from "./registry";
import { canonicalJson, compareResult, compareState, type StateDifference } from "./trace-diff";
import { readGroundTruthTraces, readTraceFile, sharedTraceDir, type ProbeLine, type TraceLine } from "./traces";

/** fuzz: fuzz_a.jsonl; fuzz_b: fuzz_b.jsonl (unusual arguments: falsy values, wrong types, rational strings) */
export type TraceSource = "gt" | "fuzz" | "fuzz_b" | "probe";

export interface MatchCount {
  ok: number;
  total: number;
}

export interface ClassReport {
  className: string;
  /** Why the class could not be instantiated (a placeholder, a constructor bug), when it could not. */
  unavailable?: string;
  results: Record<TraceSource, MatchCount>;
  /** gt/fuzz: states after every turn (and the initial state); probe: whether the call changed the state. */
  states: Record<TraceSource, MatchCount>;
}

export interface Mismatch {
  source: TraceSource;
  className: string;
  id: string;
  /** -1 for the initial state. */
  turn: number;
  kind: "result" | "state" | "state_changed" | "load";
  call?: string;
  expected: unknown;
  actual: unknown;
  differences?: StateDifference[];
}

export interface DifferentialReport {
  classes: ClassReport[];
  mismatches: Mismatch[];
  /** Sources that were not run, with the reason. */
  skipped: Partial<Record<TraceSource, string>>;
}

const GT_CATEGORIES = ["base", "miss_func", "miss_param", "long_context"] as const;

let toolClassMap: Map<string, string> | undefined;
/** Tool name -> class name over all eight classes (tool names are unique). */
export function toolOwner(name: string): string | undefined {
  if (!toolClassMap) {
    toolClassMap = new Map();
    for (const cls of BFCL_CLASSES) for (const doc of funcDocs(cls)) toolClassMap.set(doc.name, cls);
  }
  return toolClassMap.get(name);
}

function callName(call: string): string {
  const i = call.indexOf("(");
  return (i < 0 ? call : call.slice(0, i)).trim();
}

function emptyCounts(): Record<TraceSource, MatchCount> {
  return { gt: { ok: 0, total: 0 }, fuzz: { ok: 0, total: 0 }, fuzz_b: { ok: 0, total: 0 }, probe: { ok: 0, total: 0 } };
}

export interface DifferentialOptions {
  /** Restrict to these classes (default: all eight). */
  classes?: readonly string[];
  sources?: readonly TraceSource[];
}

export function runDifferential(options: DifferentialOptions = {}): DifferentialReport {
  const wanted = options.classes ?? BFCL_CLASSES;
  const sources = new Set(options.sources ?? (["gt", "fuzz", "fuzz_b", "probe"] as const));
  const reports = new Map<string, ClassReport>();
  const available = new Set<string>();
  for (const cls of wanted) {
    const report: ClassReport = { className: cls, results: emptyCounts(), states: emptyCounts() };
    try {
      createBfclClass(cls);
      available.add(cls);
    } catch (e) {
      report.unavailable = e instanceof Error ? e.message : String(e);
    }
    reports.set(cls, report);
  }
  const mismatches: Mismatch[] = [];
  const skipped: DifferentialReport["skipped"] = {};

  const runLine = (source: TraceSource, line: TraceLine): void => {
    const entry = getBfclEntry(line.source_id ?? line.id);
    const active = entry.involvedClasses.filter((c) => available.has(c));
    if (active.length === 0) return;
    const stateful = active.filter((c) => !STATELESS_CLASSES.has(c));
    let env: BfclEnvironment;
    try {
      env = createBfclEnvironment({ involvedClasses: active, initialConfig: entry.initialConfig, longContext: entry.longContext });
    } catch (e) {
      // A load failure fails every check the line holds for these classes.
      for (const cls of active) {
        const r = reports.get(cls) as ClassReport;
        mismatches.push({ source, className: cls, id: line.id, turn: -1, kind: "load", expected: "loaded", actual: String(e) });
        for (const t of line.turns) {
          r.results[source].total += t.calls.filter((c) => toolOwner(callName(c)) === cls).length;
          if (!STATELESS_CLASSES.has(cls)) r.states[source].total++;
        }
        if (!STATELESS_CLASSES.has(cls) && line.initial_state) r.states[source].total++;
      }
      return;
    }
    const checkStates = (turn: number, expected: Record<string, unknown> | undefined): void => {
      let actual: Record<string, unknown>;
      try {
        actual = env.state();
      } catch (e) {
        actual = Object.fromEntries(stateful.map((c) => [c, `<state() threw: ${String(e)}>`]));
      }
      for (const cls of stateful) {
        const r = reports.get(cls) as ClassReport;
        r.states[source].total++;
        const diffs = compareState(expected?.[cls], actual[cls], 5);
        if (diffs.length === 0) r.states[source].ok++;
        else mismatches.push({ source, className: cls, id: line.id, turn, kind: "state", expected: undefined, actual: undefined, differences: diffs });
      }
    };
    if (line.initial_state) checkStates(-1, line.initial_state);
    line.turns.forEach((turn, t) => {
      turn.calls.forEach((call, i) => {
        const cls = toolOwner(callName(call));
        if (!cls || !active.includes(cls)) return; // another class's call cannot touch these classes
        const r = reports.get(cls) as ClassReport;
        let output: string;
        try {
          output = env.executeString(call).output;
        } catch (e) {
          output = `<executeString threw: ${String(e)}>`;
        }
        r.results[source].total++;
        if (compareResult(turn.results[i], output)) r.results[source].ok++;
        else mismatches.push({ source, className: cls, id: line.id, turn: t, kind: "result", call, expected: turn.results[i], actual: output });
      });
      checkStates(t, turn.state);
    });
  };

  if (sources.has("gt")) for (const category of GT_CATEGORIES) for (const line of readGroundTruthTraces(category)) runLine("gt", line);

  const shared = sharedTraceDir();
  if (sources.has("fuzz")) {
    const lines = shared ? readTraceFile("fuzz_a") : undefined;
    if (lines) for (const line of lines) runLine("fuzz", line);
    else skipped.fuzz = "fuzz_a.jsonl not found (needs /work/shared/bfcl/traces or RODS_BFCL_TRACES)";
  }
  if (sources.has("fuzz_b")) {
    const lines = shared ? readTraceFile("fuzz_b") : undefined;
    if (lines) for (const line of lines) runLine("fuzz_b", line);
    else skipped.fuzz_b = "fuzz_b.jsonl not found (needs /work/shared/bfcl/traces or RODS_BFCL_TRACES)";
  }
  if (sources.has("probe")) {
    const lines = shared ? readTraceFile<ProbeLine>("probe_a") : undefined;
    if (lines) {
      let probeIndex = 0;
      for (const probe of lines) {
        probeIndex++;
        if (!available.has(probe.class)) continue;
        const r = reports.get(probe.class) as ClassReport;
        const id = `probe_a#${probeIndex}`;
        let output: string;
        let changed: boolean | undefined;
        try {
          const env = createBfclEnvironment({ involvedClasses: [probe.class], initialConfig: {}, longContext: false });
          const before = canonicalJson(env.state());
          output = env.executeString(probe.call).output;
          changed = canonicalJson(env.state()) !== before;
        } catch (e) {
          output = `<threw: ${String(e)}>`;
        }
        r.results.probe.total++;
        if (compareResult(probe.result, output)) r.results.probe.ok++;
        else mismatches.push({ source: "probe", className: probe.class, id, turn: 0, kind: "result", call: probe.call, expected: probe.result, actual: output });
        if (!STATELESS_CLASSES.has(probe.class)) {
          const expectedChanged = probe.state_changed === true;
          r.states.probe.total++;
          if (changed === expectedChanged) r.states.probe.ok++;
          else mismatches.push({ source: "probe", className: probe.class, id, turn: 0, kind: "state_changed", call: probe.call, expected: expectedChanged, actual: changed });
        }
      }
    } else skipped.probe = "probe_a.jsonl not found (needs /work/shared/bfcl/traces or RODS_BFCL_TRACES)";
  }
  return { classes: [...reports.values()], mismatches, skipped };
}

export function matchRate(c: MatchCount): number {
  return c.total === 0 ? 1 : c.ok / c.total;
}

function cell(c: MatchCount): string {
  if (c.total === 0) return "-";
  return `${(100 * matchRate(c)).toFixed(2)}% (${c.ok}/${c.total})`;
}

function clip(v: unknown, max = 300): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s === undefined ? "undefined" : s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}

/** The match table: one row per class (rates by trace source), then the sources that were not run. */
export function formatMatchTable(report: DifferentialReport): string {
  const header = ["class", "gt results", "gt states", "fuzz_a results", "fuzz_a states", "fuzz_b results", "fuzz_b states", "probe results", "probe state_changed"];
  const rows = report.classes.map((c) =>
    c.unavailable
      ? [c.className, `unavailable: ${c.unavailable}`, "", "", "", "", ""]
      : [c.className, cell(c.results.gt), cell(c.states.gt), cell(c.results.fuzz), cell(c.states.fuzz), cell(c.results.fuzz_b), cell(c.states.fuzz_b), cell(c.results.probe), cell(c.states.probe)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(" | ");
  const lines = [fmt(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(fmt)];
  for (const [source, why] of Object.entries(report.skipped)) lines.push(`skipped ${source}: ${why}`);
  return lines.join("\n");
}

/** One mismatch, readable: where it is, then the differing paths (state) or the expected and actual result. */
export function formatMismatch(m: Mismatch): string {
  const where = `[${m.source}] ${m.className} ${m.id} turn ${m.turn}`;
  if (m.kind === "state") {
    const diffs = (m.differences ?? []).map((d) => `${d.path}: expected ${clip(d.expected, 160)}, got ${clip(d.actual, 160)}`);
    return `${where} state: ${diffs.join("; ")}`;
  }
  if (m.kind === "load") return `${where} load failed: ${clip(m.actual)}`;
  return `${where} ${m.kind} of ${clip(m.call, 200)}\n    expected: ${clip(m.expected)}\n    actual:   ${clip(m.actual)}`;
}

/** A readable report: one table row per class, then every mismatch. */
export function formatDifferentialReport(report: DifferentialReport): string {
  const lines = [formatMatchTable(report)];
  if (report.mismatches.length > 0) lines.push("", `${report.mismatches.length} mismatches:`);
  for (const m of report.mismatches) lines.push(formatMismatch(m));
  return lines.join("\n");
}
