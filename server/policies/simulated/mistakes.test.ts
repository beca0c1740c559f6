import { describe, expect, it } from "vitest";
import { toolDoc } from "../../envs/bfcl/tool-docs";
import type { ToolCall } from "../../envs/types";
import type { RolloutTask } from "../types";
import { bfclTasks, correctActions, scoreCalls } from "./bfcl-tasks";
import { SimulatedLearner, type Action, type SimulatedBehaviour } from "./index";

// Ten train entries per category: every mistake forced at one place in each, everything else right.
const tasks = bfclTasks("train", 10);
const learner = SimulatedLearner.create({ seed: 1 });

function forcedRollout(task: RolloutTask, at: string, action: Action, seed = 0) {
  const forced = correctActions(task);
  forced.set(at, action);
  const result = learner.rolloutSync(task, { sample: 0, seed }, forced);
  return { result, behaviour: result.behaviour as SimulatedBehaviour, verdict: scoreCalls(task, result.modelCalls) };
}

const gtOf = (task: RolloutTask, t: number): ToolCall[] => task.groundTruth[t].map((c) => ({ name: c.name, args: c.args }));

/** Every (turn, index) of a ground-truth call with arguments, or of an empty turn. */
function positions(task: RolloutTask, kind: "call" | "empty"): [number, number][] {
  return task.groundTruth.flatMap((turn, t) => (kind === "empty" ? (turn.length === 0 ? [[t, 0] as [number, number]] : []) : turn.map((_, j) => [t, j] as [number, number])));
}

/** Share of the forced mistakes the verifier scored below 1, after checking what each one emitted. */
function belowOneShare(action: Action, check: (task: RolloutTask, t: number, j: number, calls: ToolCall[][]) => void): number {
  let below = 0;
  let n = 0;
  for (const task of tasks) {
    for (const [t, j] of positions(task, action === "act" ? "empty" : "call").slice(0, 3)) {
      const { result, behaviour, verdict } = forcedRollout(task, `${t}:${j}`, action, n);
      expect(behaviour.d.some((d) => d[1] === action)).toBe(true);
      check(task, t, j, result.modelCalls);
      n++;
      if (verdict.progressReward < 1) below++;
    }
  }
  expect(n).toBeGreaterThan(10);
  return below / n;
}

describe("typed mistakes", () => {
  it("a rollout with every decision right scores 1", () => {
    for (const task of tasks) {
      const { verdict } = forcedRollout(task, "none", "ok");
      expect(verdict.progressReward).toBe(1);
    }
  });

  it("wrong_arg keeps the function and changes one argument value", () => {
    const share = belowOneShare("wrong_arg", (task, t, j, calls) => {
      const gt = gtOf(task, t)[j];
      if (Object.keys(gt.args).length === 0) return; // falls back to a wrong function (recorded as such)
      expect(calls[t][j].name).toBe(gt.name);
      expect(Object.keys(calls[t][j].args).sort()).toEqual(Object.keys(gt.args).sort());
      expect(Object.keys(gt.args).filter((k) => JSON.stringify(gt.args[k]) !== JSON.stringify(calls[t][j].args[k]))).toHaveLength(1);
    });
    expect(share).toBeGreaterThan(0.85);
  });

  it("wrong_function calls another tool of the same class", () => {
    const share = belowOneShare("wrong_function", (task, t, j, calls) => {
      const gt = gtOf(task, t)[j];
      expect(calls[t][j].name).not.toBe(gt.name);
      expect(toolDoc(calls[t][j].name)?.className).toBe(toolDoc(gt.name)?.className);
    });
    expect(share).toBe(1);
  });

  it("skip leaves the call out", () => {
    const share = belowOneShare("skip", (task, t, j, calls) => {
      expect(calls[t]).toEqual(gtOf(task, t).filter((_, i) => i !== j));
    });
    expect(share).toBe(1);
  });

  it("stop ends the conversation: later turns are not reached", () => {
    const share = belowOneShare("stop", (task, t, j, calls) => {
      expect(calls).toHaveLength(t + 1);
      expect(calls[t]).toEqual(gtOf(task, t).slice(0, j));
    });
    expect(share).toBe(1);
  });

  it("extra adds one unrequested call, harmful often enough to be seen", () => {
    const share = belowOneShare("extra", (task, t, j, calls) => {
      expect(calls[t]).toHaveLength(gtOf(task, t).length + 1);
    });
    // A read-only extra call, or one that fails, changes no state and loses no result: the verifier cannot see it.
    expect(share).toBeGreaterThan(0.25);
  });

  it("act calls a function on a turn where the model should ask", () => {
    const share = belowOneShare("act", (task, t, _j, calls) => {
      expect(task.groundTruth[t]).toEqual([]);
      expect(calls[t].length).toBeGreaterThan(0);
    });
    expect(share).toBeGreaterThan(0.6);
  });

  it("asking on such a turn leaves the verifier satisfied", () => {
    const task = tasks.find((x) => x.category === "miss_param")!;
    const [t] = positions(task, "empty")[0];
    const { result, verdict } = forcedRollout(task, `${t}:0`, "ask");
    expect(result.modelCalls[t]).toEqual([]);
    expect(verdict.progressReward).toBe(1);
  });
});
