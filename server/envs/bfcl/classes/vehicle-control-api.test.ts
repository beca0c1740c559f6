// Differential test of VehicleControlAPI against the reference traces (/work/shared/bfcl/traces): every gt_* and
// fuzz_a line involving the class is replayed turn by turn, and every probe_a call on a fresh instance. Only this
// class's results and state are compared (other classes' calls run through the environment and are ignored).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createBfclEnvironment, ERROR_PREFIX } from "../bfcl-env";
import { funcDocs, getBfclEntry } from "../data";
import { createVehicleControlAPI } from "./vehicle-control-api";

const CLASS = "VehicleControlAPI";
const TRACE_DIR = process.env.RODS_BFCL_TRACES ?? "/work/shared/bfcl/traces";
const hasTraces = existsSync(join(TRACE_DIR, "probe_a.jsonl"));

interface TraceTurn {
  calls: string[];
  results: string[];
  state: Record<string, Record<string, unknown>>;
}
interface TraceLine {
  id: string;
  source_id?: string;
  initial_state: Record<string, Record<string, unknown>>;
  turns: TraceTurn[];
}
interface ProbeLine {
  class: string;
  call: string;
  result: string;
  state_changed?: boolean;
}

function readLines<T>(file: string): T[] {
  return readFileSync(join(TRACE_DIR, file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

/** The README's rule: exact, but a number may print without a trailing ".0", and any exception matches any other. */
function resultsMatch(ours: string, ref: string): boolean {
  if (ref.startsWith(ERROR_PREFIX)) return ours.startsWith(ERROR_PREFIX);
  if (ours === ref) return true;
  const strip = (s: string) => s.replace(/(\d)\.0(?=\D|$)/g, "$1");
  return strip(ours) === strip(ref);
}

function deepEqualByValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqualByValue(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqualByValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const TOOL_NAMES = new Set(hasTraces ? funcDocs(CLASS).map((d) => d.name) : []);
const callName = (call: string) => call.slice(0, call.indexOf("(")).trim();

interface Tally {
  calls: number;
  callMatches: number;
  turns: number;
  stateMatches: number;
  mismatches: string[];
}

function replay(lines: TraceLine[]): Tally {
  const t: Tally = { calls: 0, callMatches: 0, turns: 0, stateMatches: 0, mismatches: [] };
  for (const line of lines) {
    if (!(CLASS in line.initial_state)) continue;
    const entry = getBfclEntry(line.source_id ?? line.id);
    const env = createBfclEnvironment({
      involvedClasses: [CLASS],
      initialConfig: entry.initialConfig as Record<string, Record<string, unknown>>,
      longContext: entry.longContext,
    });
    const init = env.state()[CLASS];
    if (!deepEqualByValue(JSON.parse(JSON.stringify(init)), line.initial_state[CLASS])) {
      t.mismatches.push(`${line.id} initial state: ${JSON.stringify(init)}`);
    }
    line.turns.forEach((turn, ti) => {
      turn.calls.forEach((call, ci) => {
        const out = env.executeString(call);
        if (!TOOL_NAMES.has(callName(call))) return;
        t.calls++;
        const ref = turn.results[ci];
        if (resultsMatch(out.output, ref)) t.callMatches++;
        else t.mismatches.push(`${line.id} turn ${ti} ${call}\n    ours: ${out.output.slice(0, 300)}\n    ref:  ${ref.slice(0, 300)}`);
      });
      t.turns++;
      const ours = JSON.parse(JSON.stringify(env.state()[CLASS])) as unknown;
      if (deepEqualByValue(ours, turn.state[CLASS])) t.stateMatches++;
      else t.mismatches.push(`${line.id} turn ${ti} state\n    ours: ${JSON.stringify(ours)}\n    ref:  ${JSON.stringify(turn.state[CLASS])}`);
    });
  }
  return t;
}

function report(label: string, t: Tally): void {
  const pct = (a: number, b: number) => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(2)}%`);
  console.log(
    `[${CLASS}] ${label}: calls ${t.callMatches}/${t.calls} (${pct(t.callMatches, t.calls)}), states ${t.stateMatches}/${t.turns} (${pct(t.stateMatches, t.turns)})`,
  );
  for (const m of t.mismatches) console.log(`  mismatch: ${m}`);
}

describe("VehicleControlAPI against the reference traces", () => {
  if (!hasTraces) {
    it.skip(`needs the reference traces in ${TRACE_DIR}`, () => {});
    return;
  }

  for (const category of ["base", "miss_func", "miss_param", "long_context"]) {
    it(`gt_${category}: every call and state matches`, () => {
      const t = replay(readLines<TraceLine>(`gt_${category}.jsonl`));
      report(`gt_${category}`, t);
      expect(t.mismatches).toEqual([]);
    });
  }

  it("fuzz_a: at least 99% of calls match", () => {
    const t = replay(readLines<TraceLine>("fuzz_a.jsonl"));
    report("fuzz_a", t);
    expect(t.callMatches / t.calls).toBeGreaterThanOrEqual(0.99);
    expect(t.stateMatches / t.turns).toBeGreaterThanOrEqual(0.99);
  });

  it("probe_a: at least 99% of calls match on a fresh instance", () => {
    const probes = readLines<ProbeLine>("probe_a.jsonl").filter((p) => p.class === CLASS);
    const t: Tally = { calls: 0, callMatches: 0, turns: 0, stateMatches: 0, mismatches: [] };
    for (const p of probes) {
      const env = createBfclEnvironment({ involvedClasses: [CLASS], initialConfig: {}, longContext: false });
      const before = JSON.stringify(env.state());
      const out = env.executeString(p.call);
      const changed = JSON.stringify(env.state()) !== before;
      t.calls++;
      t.turns++;
      if (resultsMatch(out.output, p.result)) t.callMatches++;
      else t.mismatches.push(`${p.call}\n    ours: ${out.output.slice(0, 300)}\n    ref:  ${p.result.slice(0, 300)}`);
      if (changed === Boolean(p.state_changed)) t.stateMatches++;
      else t.mismatches.push(`${p.call} state_changed ours ${changed}, ref ${Boolean(p.state_changed)}`);
    }
    report("probe_a", t);
    expect(t.callMatches / t.calls).toBeGreaterThanOrEqual(0.99);
  });

  it("snapshot/restore round-trips state and the random generator", () => {
    const api = createVehicleControlAPI();
    api.loadScenario({}, false);
    const snap = api.snapshot();
    const first = api.tools.get_current_speed({});
    api.tools.fillFuelTank({ fuelAmount: 10 });
    api.restore(snap);
    expect(api.tools.get_current_speed({})).toEqual(first);
    expect(api.publicState().fuelLevel).toBe(0);
  });
});
