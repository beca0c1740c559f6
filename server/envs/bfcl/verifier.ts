// The progress-reward verifier of DESIGN.md §1: executes a model's calls beside the ground truth and scores each
// turn by state equality (every class's public state) and execution (ground-truth results contained, as a multiset,
// in the model's results so far). Ground truth is prepared once per task and reused across rollouts.
import type { PublicState, ToolCall } from "../types";
import { createBfclEnvironment, parsedToToolCall, type BfclEnvironment, type BfclEnvironmentOptions } from "./bfcl-env";
import { parseCall, type ParsedCall } from "./python-call";
import { canonicalJson, compareState, valuesEqual } from "./trace-diff";

export interface VerifierEntry {
  involvedClasses: readonly string[];
  initialConfig: Record<string, Record<string, unknown>>;
  longContext: boolean;
  /** Ground-truth call strings per turn. */
  groundTruth: readonly (readonly string[])[];
}

export interface GroundTruthTurn {
  calls: ParsedCall[];
  results: string[];
  /** Public state after the turn. */
  state: PublicState;
  /** callKey() of each call, to recognise a model turn that repeats the ground truth exactly. */
  callKeys: string[];
  /** Multiset of this turn's results: result string -> count. */
  resultCounts: Map<string, number>;
}

export interface PreparedGroundTruth {
  entry: VerifierEntry;
  turns: GroundTruthTurn[];
  /** Ground-truth calls that raised or failed (an upstream data defect shows up here). */
  errors: Array<{ turn: number; call: string; output: string }>;
}

export interface TurnVerdict {
  stateOk: boolean;
  execOk: boolean;
  /** Why the turn failed: which class and field differ, or which ground-truth result is missing. */
  reason?: string;
}

export interface Verification {
  progressReward: number;
  success: boolean;
  turns: TurnVerdict[];
}

function envFor(entry: VerifierEntry, options?: BfclEnvironmentOptions): BfclEnvironment {
  return createBfclEnvironment(
    { involvedClasses: [...entry.involvedClasses], initialConfig: entry.initialConfig, longContext: entry.longContext },
    options,
  );
}

/** Execute the ground truth once; the result is immutable and may be shared by any number of verifications. */
export function prepareGroundTruth(entry: VerifierEntry, options?: BfclEnvironmentOptions): PreparedGroundTruth {
  const env = envFor(entry, options);
  const errors: PreparedGroundTruth["errors"] = [];
  const turns = entry.groundTruth.map((callStrings, t) => {
    const calls = callStrings.map((s) => parseCall(s));
    const results = calls.map((c, i) => {
      const r = env.executeParsed(c);
      if (r.isError || r.output.startsWith('{"error"')) errors.push({ turn: t, call: callStrings[i], output: r.output });
      return r.output;
    });
    // A JSON copy, so later changes to class internals cannot reach the prepared state.
    const state = JSON.parse(JSON.stringify(env.state())) as PublicState;
    const callKeys = calls.map((c) => callKey(parsedToToolCall(c)));
    return { calls, results, state, callKeys, resultCounts: countStrings(results) };
  });
  return { entry, turns, errors };
}

function countStrings(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function clip(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function describeValue(v: unknown): string {
  return clip(typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? "undefined"), 80);
}

export interface VerifyOptions {
  entry: VerifierEntry;
  /** The model's calls per user turn; turns it never reached are missing. */
  modelCalls: readonly (readonly ToolCall[])[];
  /** prepareGroundTruth(entry), reused across rollouts of the same task. */
  prepared?: PreparedGroundTruth;
  /** Environment options (tests plug in fake classes). */
  envOptions?: BfclEnvironmentOptions;
}

interface EnvPool {
  env: BfclEnvironment;
  initial: unknown;
  busy: boolean;
}

// One reusable environment per prepared task: restoring its initial snapshot is about twice as fast as building a
// fresh one (loadScenario). Verification is synchronous, so `busy` only guards against re-entrance.
const pools = new WeakMap<PreparedGroundTruth, EnvPool>();

function acquireEnv(gt: PreparedGroundTruth, envOptions?: BfclEnvironmentOptions): { env: BfclEnvironment; release: () => void } {
  if (envOptions) return { env: envFor(gt.entry, envOptions), release: () => {} };
  const pool = pools.get(gt);
  if (pool && !pool.busy) {
    pool.busy = true;
    pool.env.restore(pool.initial);
    return { env: pool.env, release: () => (pool.busy = false) };
  }
  const env = envFor(gt.entry);
  if (pool) return { env, release: () => {} };
  const fresh: EnvPool = { env, initial: env.snapshot(), busy: true };
  pools.set(gt, fresh);
  return { env, release: () => (fresh.busy = false) };
}

/** Identity of a call for the ground-truth fast path: name plus arguments with sorted keys. */
export function callKey(call: ToolCall): string {
  return `${call.name}(${canonicalJson(call.args ?? {})})`;
}

function sameCalls(calls: readonly ToolCall[], keys: readonly string[]): boolean {
  if (calls.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (callKey(calls[i]) !== keys[i]) return false;
  return true;
}

export function verifyTrajectory({ entry, modelCalls, prepared, envOptions }: VerifyOptions): Verification {
  const gt = prepared ?? prepareGroundTruth(entry, envOptions);
  const lease: { env?: BfclEnvironment; release?: () => void } = {};
  try {
    const turns = judgeTurns(gt, modelCalls, () => {
      const acquired = acquireEnv(gt, envOptions);
      Object.assign(lease, acquired);
      return acquired.env;
    });
    let okTurns = 0;
    for (const v of turns) if (v.stateOk && v.execOk) okTurns++;
    return { progressReward: turns.length === 0 ? 1 : okTurns / turns.length, success: okTurns === turns.length, turns };
  } finally {
    lease.release?.();
  }
}

function judgeTurns(gt: PreparedGroundTruth, modelCalls: VerifyOptions["modelCalls"], getEnv: () => BfclEnvironment): TurnVerdict[] {
  let env: BfclEnvironment | undefined;
  // While the model repeats the ground truth call for call, execution is deterministic, so its results and states
  // are the prepared ones: nothing needs to run until the first turn that differs.
  let onGroundTruth = true;
  const seen = new Map<string, number>();
  const turns: TurnVerdict[] = [];
  for (let t = 0; t < gt.turns.length; t++) {
    const calls = modelCalls[t];
    if (calls === undefined) {
      turns.push({ stateOk: false, execOk: false, reason: "turn not reached" });
      continue;
    }
    const expected = gt.turns[t];
    if (onGroundTruth && sameCalls(calls, expected.callKeys)) {
      for (const out of expected.results) seen.set(out, (seen.get(out) ?? 0) + 1);
      turns.push({ stateOk: true, execOk: true });
      continue;
    }
    if (!env) {
      env = getEnv();
      for (let u = 0; u < t; u++) for (const c of gt.turns[u].calls) env.executeParsed(c);
    }
    onGroundTruth = false;
    for (const call of calls) {
      const out = env.execute(call).output;
      seen.set(out, (seen.get(out) ?? 0) + 1);
    }
    let reason: string | undefined;

    let stateOk = true;
    const actualState = env.state();
    for (const [cls, expectedState] of Object.entries(expected.state)) {
      if (valuesEqual(expectedState, actualState[cls])) continue;
      stateOk = false;
      const diff = compareState(expectedState, actualState[cls], 1)[0];
      reason ??= diff
        ? `state of ${cls} differs at ${diff.path || "(root)"}: expected ${describeValue(diff.expected)}, got ${describeValue(diff.actual)}`
        : `state of ${cls} differs`;
    }

    let execOk = true;
    for (const [result, count] of expected.resultCounts) {
      const have = seen.get(result) ?? 0;
      if (have >= count) continue;
      execOk = false;
      const missing = count - have;
      reason ??= `ground-truth result missing${missing > 1 ? ` (${missing} times)` : ""}: ${clip(result)} (from ${gt.entry.groundTruth[t][expected.results.indexOf(result)]})`;
    }
    turns.push(reason === undefined ? { stateOk, execOk } : { stateOk, execOk, reason });
  }
  return turns;
}
