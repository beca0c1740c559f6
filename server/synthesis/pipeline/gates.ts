// Stage 4, critique, deterministic part (shared by both backends): re-execution in a fresh environment gives the
// same results and states, every call is a tool available at its turn, arguments are within the size limits,
// the task's own ground truth replays to progress reward 1, the task duplicates nothing in the pool, and the user
// text names no tool or parameter identifier.
import { createBfclEnvironment, parsedToToolCall } from "../../envs/bfcl/bfcl-env";
import { contentHashOf } from "../../envs/bfcl/dataset";
import { parseCall } from "../../envs/bfcl/python-call";
import { toolNamesPerTurn } from "../../envs/bfcl/tool-docs";
import { canonicalJson } from "../../envs/bfcl/trace-diff";
import { prepareGroundTruth, verifyTrajectory } from "../../envs/bfcl/verifier";
import type { GateResult, SynthesisErrorType, SynthesizedTask } from "../types";
import { limitViolation } from "./limits";
import type { Execution, ExecutedCall } from "./model";
import { conversationProblems, hasTemplateDebris, leakedNames } from "./text-checks";

/** The taxonomy type a failed gate drops the seed with. */
export const GATE_ERROR: Readonly<Record<string, SynthesisErrorType>> = {
  reexecution: "vm_exec_failed",
  tools_available: "func_sample_failed",
  argument_limits: "param_gen_failed",
  ground_truth_replay: "vm_exec_failed",
  not_duplicate: "duplicate_func",
  user_text: "conversation_construct_failed",
};

const pass = (name: string): GateResult => ({ name, isPassed: true });
const fail = (name: string, detail: string): GateResult => ({ name, isPassed: false, detail: detail.slice(0, 500) });

export function taskHash(task: SynthesizedTask): string {
  return contentHashOf(task.turns, task.groundTruth, task.initialConfig);
}

/** Executes the calls again on a fresh environment and compares every result and the state after every turn. */
export function reexecutionGate(seed: { involvedClasses: string[]; longContext: boolean }, execution: Execution): GateResult {
  const env = createBfclEnvironment({ involvedClasses: seed.involvedClasses, initialConfig: execution.initialConfig, longContext: seed.longContext });
  for (const [t, calls] of execution.turns.entries()) {
    for (const call of calls) {
      const output = env.executeParsed(parseCall(call.source)).output;
      if (output !== call.result) return fail("reexecution", `turn ${t + 1}: ${call.source} returned ${output.slice(0, 160)} instead of ${call.result.slice(0, 160)}`);
    }
    if (canonicalJson(env.state()) !== execution.statesAfterTurn[t]) return fail("reexecution", `turn ${t + 1}: the state differs on re-execution`);
  }
  return pass("reexecution");
}

export function toolsAvailableGate(task: SynthesizedTask): GateResult {
  const available = toolNamesPerTurn({ involvedClasses: task.involvedClasses, missedFunctions: task.missedFunctions, numTurns: task.turns.length });
  for (const [t, calls] of task.groundTruth.entries()) {
    for (const call of calls) {
      if (!available[t]?.includes(call.name)) return fail("tools_available", `turn ${t + 1}: '${call.name}' is not available to the model there`);
    }
  }
  return pass("tools_available");
}

export function argumentLimitsGate(task: SynthesizedTask): GateResult {
  for (const [t, calls] of task.groundTruth.entries()) {
    for (const call of calls) {
      const bad = limitViolation(call.args);
      if (bad) return fail("argument_limits", `turn ${t + 1}: ${call.name} ${bad}`);
    }
  }
  return pass("argument_limits");
}

export function groundTruthReplayGate(task: SynthesizedTask): GateResult {
  const entry = {
    involvedClasses: task.involvedClasses,
    initialConfig: task.initialConfig,
    longContext: task.longContext,
    groundTruth: task.groundTruth.map((turn) => turn.map((c) => c.source)),
  };
  const prepared = prepareGroundTruth(entry);
  if (prepared.errors.length) {
    const e = prepared.errors[0];
    return fail("ground_truth_replay", `turn ${e.turn + 1}: ${e.call} -> ${e.output.slice(0, 160)}`);
  }
  const modelCalls = task.groundTruth.map((turn) => turn.map((c) => parsedToToolCall(parseCall(c.source))));
  const v = verifyTrajectory({ entry, prepared, modelCalls });
  if (v.progressReward !== 1) {
    const bad = v.turns.findIndex((t) => !(t.stateOk && t.execOk));
    return fail("ground_truth_replay", `progress reward ${v.progressReward}: turn ${bad + 1} ${v.turns[bad]?.reason ?? ""}`);
  }
  return pass("ground_truth_replay");
}

export function duplicateGate(task: SynthesizedTask, existingHashes: ReadonlySet<string>): GateResult {
  const hash = taskHash(task);
  return existingHashes.has(hash) ? fail("not_duplicate", `a task with content hash ${hash.slice(0, 16)} is already in the pool`) : pass("not_duplicate");
}

/** Every turn but a miss_func release turn has text; none names a tool or parameter or carries template debris. */
export function userTextGate(task: SynthesizedTask, calls: readonly ExecutedCall[]): GateResult {
  const releaseTurns = new Set(Object.keys(task.missedFunctions).map(Number));
  for (const [t, messages] of task.turns.entries()) {
    if (releaseTurns.has(t)) {
      if (messages.length) return fail("user_text", `turn ${t + 1} releases held-back functions and must have no user message`);
      continue;
    }
    const text = messages.map((m) => m.content).join("\n");
    if (!text.trim()) return fail("user_text", `turn ${t + 1} has no user message`);
    if (hasTemplateDebris(text)) return fail("user_text", `turn ${t + 1} contains template debris: ${text.slice(0, 120)}`);
    const leaked = leakedNames(text, calls);
    if (leaked.length) return fail("user_text", `turn ${t + 1} names ${leaked.map((n) => `'${n}'`).join(", ")}`);
  }
  const called = new Set(calls.map((c) => c.className));
  const problems = conversationProblems(task.turns.map((m) => m.map((x) => x.content).join("\n")), called);
  if (problems.length) return fail("user_text", problems[0]!);
  return pass("user_text");
}
