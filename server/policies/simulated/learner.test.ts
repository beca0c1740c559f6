import { describe, expect, it } from "vitest";
import { getBfclEntry } from "../../envs/bfcl/data";
import { MISS_FUNC_USER_MESSAGE as AGENT_MISS_FUNC_MESSAGE } from "../openai/agent";
import type { RolloutResult } from "../types";
import { bfclTasks, correctActions, rolloutTaskFromEntry, scoreCalls } from "./bfcl-tasks";
import { MISS_FUNC_USER_MESSAGE, SimulatedLearner, ZSimulatedBehaviour, type SimulatedBehaviour } from "./index";

const tasks = bfclTasks("train", 5);
const config = { learningRate: 0.5, clip: 0.2, klCoef: 0, updateEpochs: 2 };

function withoutLatency(r: RolloutResult) {
  return { ...r, latencyMs: 0 };
}

describe("SimulatedLearner rollouts", () => {
  it("gives the same trajectory for the same seed and different ones across seeds", () => {
    const learner = SimulatedLearner.create({ seed: 1 });
    const task = rolloutTaskFromEntry(getBfclEntry("multi_turn_base_4"));
    const a = learner.rolloutSync(task, { sample: 0, seed: 42 });
    // A fresh learner and a fresh task object: nothing cached may leak into the result.
    const b = SimulatedLearner.create({ seed: 1 }).rolloutSync(rolloutTaskFromEntry(getBfclEntry("multi_turn_base_4")), { sample: 3, seed: 42 });
    expect(withoutLatency(b)).toEqual(withoutLatency(a));
    const distinct = new Set(Array.from({ length: 12 }, (_, s) => JSON.stringify(learner.rolloutSync(task, { sample: s, seed: s }).modelCalls)));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it("greedy takes the likelier side of every decision, sampling does not always", () => {
    const learner = SimulatedLearner.create({ seed: 1 });
    const half = Math.log(0.5);
    let sampledBelowHalf = 0;
    for (const task of tasks) {
      const greedy = [0, 1, 2].map((seed) => learner.rolloutSync(task, { sample: 0, seed, isGreedy: true }).behaviour as SimulatedBehaviour);
      for (const b of greedy) for (const [, , , logp] of b.d) expect(logp).toBeGreaterThanOrEqual(half);
      // The choices themselves do not depend on the seed.
      expect(greedy[1].d.map((d) => d[1] === "ok" || d[1] === "ask")).toEqual(greedy[0].d.map((d) => d[1] === "ok" || d[1] === "ask"));
      for (let seed = 0; seed < 8; seed++) {
        const b = learner.rolloutSync(task, { sample: seed, seed }).behaviour as SimulatedBehaviour;
        sampledBelowHalf += b.d.filter((d) => d[3] < half).length;
      }
    }
    expect(sampledBelowHalf).toBeGreaterThan(0);
  });

  it("writes an OpenAI trajectory whose tool calls are the executed calls", () => {
    const learner = SimulatedLearner.create({ seed: 2 });
    const task = rolloutTaskFromEntry(getBfclEntry("multi_turn_miss_func_0"));
    // All correct first: every turn is reached, the released tools come with BFCL's user message.
    const correct = learner.rolloutSync(task, { sample: 0, seed: 5 }, correctActions(task));
    expect(MISS_FUNC_USER_MESSAGE).toBe(AGENT_MISS_FUNC_MESSAGE);
    expect(task.turns[3]).toEqual([]);
    expect(correct.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual([
      ...task.turns.slice(0, 3).map((t) => t[0].content),
      MISS_FUNC_USER_MESSAGE,
      task.turns[4][0].content,
    ]);
    // The turn where the model should ask is answered in words.
    const askTurn = correct.messages.findIndex((m) => m.role === "user" && m.content === task.turns[2][0].content);
    expect(correct.messages[askTurn + 1]).toMatchObject({ role: "assistant", content: expect.any(String) });
    expect(correct.messages[askTurn + 1]).not.toHaveProperty("tool_calls");

    const result = learner.rolloutSync(task, { sample: 0, seed: 5 });
    const { messages, modelCalls } = result;
    expect(messages[0]).toEqual({ role: "user", content: task.turns[0][0].content });

    const emitted: { name: string; args: unknown }[] = [];
    messages.forEach((m, i) => {
      if (m.role !== "assistant" || !m.tool_calls) return;
      expect(m.tool_calls).toHaveLength(1);
      const call = m.tool_calls[0];
      const next = messages[i + 1];
      expect(next.role === "tool" && next.tool_call_id === call.id).toBe(true);
      emitted.push({ name: call.function.name, args: JSON.parse(call.function.arguments) });
    });
    expect(emitted).toEqual(modelCalls.flat().map((c) => ({ name: c.name, args: c.args })));
    // Every reached turn ends with an assistant text.
    expect(messages.filter((m) => m.role === "assistant" && !m.tool_calls)).toHaveLength(modelCalls.length);
    expect(result.tokensIn).toBeGreaterThan(result.tokensOut);
    expect(result.tokensOut).toBeGreaterThan(0);
    expect(result.infraError).toBeUndefined();
  });

  it("records one compact, valid decision per ground-truth call and per empty turn", () => {
    const learner = SimulatedLearner.create({ seed: 3 });
    for (const task of tasks) {
      const result = learner.rolloutSync(task, { sample: 0, seed: 11 });
      const b = ZSimulatedBehaviour.parse(result.behaviour);
      const expected = task.groundTruth.reduce((n, turn) => n + Math.max(1, turn.length), 0);
      if (b.d.some((d) => d[1] === "stop")) expect(b.d.length).toBeLessThanOrEqual(expected);
      else expect(b.d.length).toBe(expected);
      expect(JSON.stringify(b).length).toBeLessThan(120 + 70 * b.d.length);
    }
  });

  it("is scored 1 by the verifier when every decision is right", () => {
    const learner = SimulatedLearner.create({ seed: 1 });
    for (const task of tasks) {
      const result = learner.rolloutSync(task, { sample: 0, seed: 1 }, correctActions(task));
      expect(result.modelCalls).toEqual(task.groundTruth.map((turn) => turn.map((c) => ({ name: c.name, args: c.args }))));
      expect(scoreCalls(task, result.modelCalls)).toMatchObject({ progressReward: 1, success: true });
    }
  });

  it("refuses to start an aborted rollout", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(SimulatedLearner.create({ seed: 1 }).rollout(tasks[0], { sample: 0, seed: 1, signal: controller.signal })).rejects.toThrow();
  });
});

describe("SimulatedLearner parameters", () => {
  it("round-trips through JSON and resumes exactly", () => {
    const learner = SimulatedLearner.create({ seed: 9 });
    const groups = tasks.slice(0, 6).map((task) => ({
      rollouts: Array.from({ length: 4 }, (_, k) => {
        const r = learner.rolloutSync(task, { sample: k, seed: k });
        return { behaviour: JSON.parse(JSON.stringify(r.behaviour)) as unknown, reward: scoreCalls(task, r.modelCalls).progressReward };
      }),
    }));
    learner.update({ groups, config });
    const saved = JSON.parse(JSON.stringify(learner.toJSON())) as unknown;
    const resumed = SimulatedLearner.fromJSON(saved);
    expect(resumed.toJSON()).toEqual(learner.toJSON());
    expect(resumed.updateCount).toBe(1);
    for (const task of tasks.slice(0, 8)) {
      expect(withoutLatency(resumed.rolloutSync(task, { sample: 0, seed: 77 }))).toEqual(withoutLatency(learner.rolloutSync(task, { sample: 0, seed: 77 })));
    }
    // The next step from the resumed copy equals the next step of the original.
    resumed.update({ groups, config });
    learner.update({ groups, config });
    expect(resumed.toJSON()).toEqual(learner.toJSON());
  });

  it("starts from parameters that depend on the seed only through the function logits", () => {
    const a = SimulatedLearner.create({ seed: 1 }).toJSON();
    expect(a).toEqual({ kind: "simulated-learner", version: 1, seed: 1, updates: 0, logits: {} });
    const [x, y] = [SimulatedLearner.create({ seed: 1 }), SimulatedLearner.create({ seed: 2 })];
    expect(x.logit("f:mv")).not.toBe(y.logit("f:mv"));
    expect(x.logit("b")).toBe(y.logit("b"));
  });

  it("rejects what is not its parameters", () => {
    expect(() => SimulatedLearner.fromJSON({ kind: "simulated-learner", version: 1, seed: 1, updates: 0, logits: { b: "x" } })).toThrow(/logits/);
    expect(() => SimulatedLearner.fromJSON(null)).toThrow(/not simulated-learner parameters/);
  });
});
