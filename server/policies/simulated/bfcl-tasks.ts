// Rollout tasks straight from the shipped BFCL entries, for tests and benchmarks (the app builds them from the
// database instead), and scoring with the verifier as the caller does.
import { parsedToToolCall } from "../../envs/bfcl/bfcl-env";
import { BFCL_CATEGORIES, loadBfclEntries, type BfclEntry } from "../../envs/bfcl/data";
import { parseCall } from "../../envs/bfcl/python-call";
import { prepareGroundTruth, verifyTrajectory, type PreparedGroundTruth, type Verification } from "../../envs/bfcl/verifier";
import type { ToolCall } from "../../envs/types";
import type { RolloutTask } from "../types";
import type { Action } from "./behaviour";

export function rolloutTaskFromEntry(entry: BfclEntry): RolloutTask {
  return {
    id: entry.id,
    category: entry.category,
    involvedClasses: [...entry.involvedClasses],
    initialConfig: entry.initialConfig,
    longContext: entry.longContext,
    turns: entry.question.map((turn) => turn.map((m) => ({ role: "user" as const, content: m.content }))),
    groundTruth: entry.groundTruth.map((turn) => turn.map((source) => ({ ...parsedToToolCall(parseCall(source)), source }))),
    missedFunctions: entry.missedFunction,
    dependencyDepth: null,
  };
}

/** The first `perCategory` entries of each category of a split (even scenario index = train, odd = test). */
export function bfclTasks(split: "train" | "test", perCategory = Infinity): RolloutTask[] {
  const parity = split === "train" ? 0 : 1;
  return BFCL_CATEGORIES.flatMap((c) =>
    loadBfclEntries(c)
      .filter((e) => e.index % 2 === parity)
      .slice(0, perCategory)
      .map(rolloutTaskFromEntry),
  );
}

const prepared = new WeakMap<RolloutTask, PreparedGroundTruth>();

/** The verifier's verdict on a rollout's calls, with the ground truth prepared once per task object. */
export function scoreCalls(task: RolloutTask, modelCalls: readonly (readonly ToolCall[])[]): Verification {
  const entry = {
    involvedClasses: task.involvedClasses,
    initialConfig: task.initialConfig,
    longContext: task.longContext,
    groundTruth: task.groundTruth.map((turn) => turn.map((c) => c.source)),
  };
  let gt = prepared.get(task);
  if (!gt) {
    gt = prepareGroundTruth(entry);
    prepared.set(task, gt);
  }
  return verifyTrajectory({ entry: gt.entry, modelCalls, prepared: gt });
}

/** Forced actions that make every decision right (asking on empty turns); tests change one entry. */
export function correctActions(task: RolloutTask): Map<string, Action> {
  const forced = new Map<string, Action>();
  task.groundTruth.forEach((turn, t) => {
    if (turn.length === 0) forced.set(`${t}:0`, "ask");
    turn.forEach((_, j) => forced.set(`${t}:${j}`, "ok"));
  });
  return forced;
}
