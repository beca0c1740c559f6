// Differential test of TravelAPI against the reference traces (/work/shared/bfcl/traces): every call to a TravelAPI
// tool must give the recorded result and every turn must leave the recorded TravelAPI state.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createBfclEnvironment, ERROR_PREFIX, type BfclEnvironment } from "../bfcl-env";
import { getBfclEntry } from "../data";
import { parseCall } from "../python-call";
import { createTravelAPI } from "./travel-api";

const TRACE_DIR = "/work/shared/bfcl/traces";
const CLASS = "TravelAPI";
const GT_FILES = ["gt_base.jsonl", "gt_miss_func.jsonl", "gt_miss_param.jsonl", "gt_long_context.jsonl"];
// Known and accepted differences: "<trace id> <call index or 'state'>" -> reason. Empty: nothing is tolerated.
const TOLERATED: Readonly<Record<string, string>> = {};

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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The README's rule: exact, a number may drop a trailing ".0", and any execution error matches another. */
export function resultMatches(ours: string, ref: string): boolean {
  if (ref.startsWith(ERROR_PREFIX)) return ours.startsWith(ERROR_PREFIX);
  if (ours === ref) return true;
  const pattern = escapeRegExp(ref).replace(/(\d)\\\.0(?![0-9eE])/g, "$1(?:\\.0)?");
  return new RegExp(`^${pattern}$`).test(ours);
}

/** Deep equality with numbers by value and dict key order ignored. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as never)[k], (b as never)[k]));
}

function toolName(call: string): string {
  try {
    return parseCall(call).name;
  } catch {
    return call.split("(")[0].trim();
  }
}

interface Tally {
  calls: number;
  callMatches: number;
  turns: number;
  turnMatches: number;
  mismatches: string[];
}

function newTally(): Tally {
  return { calls: 0, callMatches: 0, turns: 0, turnMatches: 0, mismatches: [] };
}

function replayLine(line: TraceLine, tally: Tally): void {
  const entry = getBfclEntry(line.source_id ?? line.id);
  const env: BfclEnvironment = createBfclEnvironment({
    involvedClasses: [CLASS],
    initialConfig: entry.initialConfig as Record<string, Record<string, unknown>>,
    longContext: entry.longContext,
  });
  const init = env.state()[CLASS];
  if (!sameValue(init, line.initial_state[CLASS])) tally.mismatches.push(`${line.id} initial state`);
  line.turns.forEach((turn, t) => {
    turn.calls.forEach((call, i) => {
      const out = env.executeString(call);
      if (env.classOfTool(toolName(call)) !== CLASS) return;
      tally.calls++;
      const key = `${line.id} t${t}c${i}`;
      if (resultMatches(out.output, turn.results[i]) || key in TOLERATED) tally.callMatches++;
      else tally.mismatches.push(`${key} ${call}\n    ours: ${out.output.slice(0, 300)}\n    ref:  ${turn.results[i].slice(0, 300)}`);
    });
    tally.turns++;
    const key = `${line.id} t${t} state`;
    if (sameValue(env.state()[CLASS], turn.state[CLASS]) || key in TOLERATED) tally.turnMatches++;
    else {
      tally.mismatches.push(
        `${key}\n    ours: ${JSON.stringify(env.state()[CLASS]).slice(0, 400)}\n    ref:  ${JSON.stringify(turn.state[CLASS]).slice(0, 400)}`,
      );
    }
  });
}

function report(label: string, tally: Tally): void {
  const rate = (n: number, d: number) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(2)}%`);
  console.log(
    `${CLASS} ${label}: calls ${tally.callMatches}/${tally.calls} (${rate(tally.callMatches, tally.calls)}), ` +
      `turn states ${tally.turnMatches}/${tally.turns} (${rate(tally.turnMatches, tally.turns)})`,
  );
  for (const [k, why] of Object.entries(TOLERATED)) console.log(`  tolerated ${k}: ${why}`);
  for (const m of tally.mismatches.slice(0, 30)) console.log(`  MISMATCH ${m}`);
}

const hasTraces = existsSync(TRACE_DIR);

describe("TravelAPI differential replay", () => {
  if (!hasTraces) {
    it.skip(`needs reference traces in ${TRACE_DIR}`, () => {});
    return;
  }

  it("matches every ground-truth trace exactly", () => {
    const tally = newTally();
    for (const file of GT_FILES) {
      for (const line of readLines<TraceLine>(file)) if (CLASS in line.initial_state) replayLine(line, tally);
    }
    report("gt", tally);
    expect(tally.mismatches).toEqual([]);
  });

  it("matches at least 99% of fuzz_a calls", () => {
    const tally = newTally();
    for (const line of readLines<TraceLine>("fuzz_a.jsonl")) if (CLASS in line.initial_state) replayLine(line, tally);
    report("fuzz_a", tally);
    expect(tally.calls).toBeGreaterThan(0);
    expect(tally.callMatches / tally.calls).toBeGreaterThanOrEqual(0.99);
    expect(tally.turnMatches / tally.turns).toBeGreaterThanOrEqual(0.99);
  });

  it("matches at least 99% of probe_a calls", () => {
    const tally = newTally();
    for (const probe of readLines<ProbeLine>("probe_a.jsonl")) {
      if (probe.class !== CLASS) continue;
      const env = createBfclEnvironment({ involvedClasses: [CLASS], initialConfig: {}, longContext: false });
      const before = JSON.stringify(env.state());
      const out = env.executeString(probe.call);
      const changed = JSON.stringify(env.state()) !== before;
      tally.calls++;
      if (resultMatches(out.output, probe.result) && changed === (probe.state_changed ?? false)) tally.callMatches++;
      else tally.mismatches.push(`${probe.call}\n    ours: ${out.output} (changed ${changed})\n    ref:  ${probe.result}`);
    }
    report("probe_a", tally);
    expect(tally.callMatches / tally.calls).toBeGreaterThanOrEqual(0.99);
  });

  it("snapshot and restore round-trip the state and the random stream", () => {
    const api = createTravelAPI();
    api.loadScenario({ access_token: "tok", budget_limit: 0, credit_card_list: { c1: { balance: 1000 } } }, false);
    const snap = api.snapshot();
    const first = api.tools.register_credit_card({
      access_token: "tok",
      card_number: "1",
      expiration_date: "01/30",
      cardholder_name: "A",
      card_verification_number: 1,
    });
    api.restore(snap);
    expect(api.publicState().credit_card_list).toEqual({ c1: { balance: 1000 } });
    const again = api.tools.register_credit_card({
      access_token: "tok",
      card_number: "1",
      expiration_date: "01/30",
      cardholder_name: "A",
      card_verification_number: 1,
    });
    expect(again).toEqual(first);
  });
});
