// Throughput of the BFCL environment on one core: ground-truth replay and progress-reward verification over the 800
// entries, against a baseline measured in the same run. Run: npx tsx bench/envs/index.ts [--rounds N]
//
// Baseline: JSON deep-clone of each entry's initial config (JSON.parse(JSON.stringify(...))): the least work any
// replay must do to start from a private copy of the scenario. Ratios say how many such clones one replay costs.
import type { ToolCall } from "../../server/envs/types";
import { createBfclEnvironment, parsedToToolCall } from "../../server/envs/bfcl/bfcl-env";
import { BFCL_CATEGORIES, loadBfclEntries, type BfclEntry } from "../../server/envs/bfcl/data";
import { parseCall } from "../../server/envs/bfcl/python-call";
import { createBfclClass } from "../../server/envs/bfcl/registry";
import { prepareGroundTruth, verifyTrajectory, type PreparedGroundTruth } from "../../server/envs/bfcl/verifier";
import { best as bestOf, roundsFromArgs } from "../lib/timing";

const ROUNDS = roundsFromArgs();

const best = (fn: () => void) => bestOf(fn, ROUNDS);

const available = new Set<string>();
const missing: string[] = [];
for (const cls of ["GorillaFileSystem", "MathAPI", "MessageAPI", "TwitterAPI", "TicketAPI", "TradingBot", "TravelAPI", "VehicleControlAPI"]) {
  try {
    createBfclClass(cls);
    available.add(cls);
  } catch {
    missing.push(cls);
  }
}
const all: BfclEntry[] = BFCL_CATEGORIES.flatMap((c) => [...loadBfclEntries(c)]);
const entries = all.filter((e) => e.involvedClasses.every((c) => available.has(c)));
const train = entries.filter((e) => e.index % 2 === 0);
const modelCalls = new Map<string, ToolCall[][]>(
  entries.map((e) => [e.id, e.groundTruth.map((turn) => turn.map((s) => parsedToToolCall(parseCall(s))))]),
);
const callCount = entries.reduce((n, e) => n + e.groundTruth.reduce((m, t) => m + t.length, 0), 0);

const baselineMs = best(() => {
  for (const e of entries) JSON.parse(JSON.stringify(e.initialConfig));
});

// Raw replay: fresh environment, every ground-truth call string parsed and executed, state read after each turn.
const replayMs = best(() => {
  for (const e of entries) {
    const env = createBfclEnvironment({ involvedClasses: e.involvedClasses, initialConfig: e.initialConfig, longContext: e.longContext });
    for (const turn of e.groundTruth) {
      for (const call of turn) env.executeString(call);
      env.state();
    }
  }
});

let prepared = new Map<string, PreparedGroundTruth>();
const prepareMs = best(() => {
  prepared = new Map(entries.map((e) => [e.id, prepareGroundTruth(e)]));
});

// Verification of a perfect trajectory (every turn executed and compared: the most work a rollout can cost).
const verifyAllMs = best(() => {
  for (const e of entries) verifyTrajectory({ entry: e, modelCalls: modelCalls.get(e.id) as ToolCall[][], prepared: prepared.get(e.id) });
});
const verifyTrainMs = best(() => {
  for (const e of train) verifyTrajectory({ entry: e, modelCalls: modelCalls.get(e.id) as ToolCall[][], prepared: prepared.get(e.id) });
});

// Worst case: an extra (failing, state-neutral) call at the start of turn 0 makes every turn run for real.
const divergent = new Map<string, ToolCall[][]>(
  entries.map((e) => {
    const calls = (modelCalls.get(e.id) as ToolCall[][]).map((t) => [...t]);
    if (calls.length > 0) calls[0].unshift({ name: "bench_no_such_tool", args: {} });
    return [e.id, calls];
  }),
);
const verifyDivergentMs = best(() => {
  for (const e of train) verifyTrajectory({ entry: e, modelCalls: divergent.get(e.id) as ToolCall[][], prepared: prepared.get(e.id) });
});

// A mixed group of 16 rollouts per task: 4 perfect, 4 diverging at turn 0, 4 missing the last call, 4 stopping halfway.
function mixedRollouts(e: BfclEntry): ToolCall[][][] {
  const perfect = modelCalls.get(e.id) as ToolCall[][];
  const lastCallDropped = perfect.map((t) => [...t]);
  for (let t = lastCallDropped.length - 1; t >= 0; t--) {
    if (lastCallDropped[t].length > 0) {
      lastCallDropped[t].pop();
      break;
    }
  }
  const halfway = perfect.slice(0, Math.ceil(perfect.length / 2));
  const variants = [perfect, divergent.get(e.id) as ToolCall[][], lastCallDropped, halfway];
  return Array.from({ length: 16 }, (_, k) => variants[k % 4]);
}
const mixed = new Map(train.map((e) => [e.id, mixedRollouts(e)]));
const verifyMixedMs = best(() => {
  for (const e of train) for (const rollout of mixed.get(e.id) as ToolCall[][][]) verifyTrajectory({ entry: e, modelCalls: rollout, prepared: prepared.get(e.id) });
});

let failures = 0;
for (const e of entries) if (!verifyTrajectory({ entry: e, modelCalls: modelCalls.get(e.id) as ToolCall[][], prepared: prepared.get(e.id) }).success) failures++;

const perSec = (n: number, ms: number) => (ms > 0 ? (n / ms) * 1000 : Infinity);
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const n = entries.length;
const perVerifyMs = verifyTrainMs / Math.max(1, train.length);
const perDivergentMs = verifyDivergentMs / Math.max(1, train.length);
const perMixedMs = verifyMixedMs / Math.max(1, 16 * train.length);

console.log(`BFCL environment throughput, one core, best of ${ROUNDS} rounds`);
if (missing.length > 0) console.log(`classes not yet available (their entries skipped): ${missing.join(", ")}`);
console.log(`entries: ${n} of ${all.length} (${train.length} training entries), ground-truth calls: ${callCount}`);
console.log("");
console.log(`baseline  JSON deep-clone of initial config  ${fmt(baselineMs)} ms  ${fmt(perSec(n, baselineMs))} entries/s`);
console.log(
  `replay    fresh env + all gt calls + states   ${fmt(replayMs)} ms  ${fmt(perSec(n, replayMs))} entries/s  ${fmt(perSec(callCount, replayMs))} calls/s  ${fmt(replayMs / baselineMs)}x baseline`,
);
console.log(`prepare   ground-truth cache (once per task)  ${fmt(prepareMs)} ms  ${fmt(perSec(n, prepareMs))} entries/s  ${fmt(prepareMs / baselineMs)}x baseline`);
console.log(
  `verify    perfect rollout vs cached gt        ${fmt(verifyAllMs)} ms  ${fmt(perSec(n, verifyAllMs))} rollouts/s  ${fmt(perSec(callCount, verifyAllMs))} calls/s  ${fmt(verifyAllMs / baselineMs)}x baseline`,
);
console.log(
  `verify    diverging at turn 0 (all executed)  ${fmt(verifyDivergentMs)} ms for ${train.length} training entries  ${fmt(perSec(train.length, verifyDivergentMs))} rollouts/s`,
);
console.log("");
console.log("projected CPU time to verify 400 tasks x 16 rollouts (training entries, ground truth prepared once per task):");
const project = (label: string, perMs: number) =>
  console.log(`  ${label.padEnd(44)} ${fmt(400 * 16 * perMs).padStart(7)} ms  (${(perMs * 1000).toFixed(1)} us per rollout)`);
project("all perfect (ground-truth fast path)", perVerifyMs);
project("mixed group (4 perfect/4 diverge/4 drop/4 stop)", perMixedMs);
project("worst case: all diverge at turn 0", perDivergentMs);
if (failures > 0) console.log(`WARNING: ${failures} perfect trajectories did not verify as successful`);
