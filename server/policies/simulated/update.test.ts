import { describe, expect, it } from "vitest";
import { hashSeed } from "../../rods/random";
import type { RolloutTask } from "../types";
import { bfclTasks, scoreCalls } from "./bfcl-tasks";
import { SimulatedLearner, paramKey, type SimulatedBehaviour, type UpdateConfig, type UpdateGroup } from "./index";

const config: UpdateConfig = { learningRate: 0.5, clip: 0.2, klCoef: 0, updateEpochs: 2 };

function group(learner: SimulatedLearner, task: RolloutTask, k: number, step: number): UpdateGroup & { rewards: number[] } {
  const rollouts = Array.from({ length: k }, (_, sample) => {
    const r = learner.rolloutSync(task, { sample, seed: hashSeed(7, step, task.id, sample) });
    return { behaviour: r.behaviour, reward: scoreCalls(task, r.modelCalls).progressReward };
  });
  return { rollouts, rewards: rollouts.map((r) => r.reward) };
}

function meanReward(learner: SimulatedLearner, tasks: readonly RolloutTask[], k: number, step: number): number {
  let sum = 0;
  for (const task of tasks) sum += group(learner, task, k, step).rewards.reduce((a, b) => a + b, 0) / k;
  return sum / tasks.length;
}

describe("GRPO update", () => {
  it("raises the mean progress reward of the tasks it trains on", () => {
    const tasks = bfclTasks("train", 5);
    expect(tasks).toHaveLength(20);
    let learner = SimulatedLearner.create({ seed: 1 });
    const before = meanReward(learner, tasks, 8, -1);
    for (let step = 0; step < 30; step++) {
      const groups = tasks.map((task) => group(learner, task, 8, step));
      // Through JSON, as a run stores behaviour and parameters between steps.
      learner = SimulatedLearner.fromJSON(JSON.parse(JSON.stringify(learner.toJSON())));
      learner.update({ groups: JSON.parse(JSON.stringify(groups)) as UpdateGroup[], config });
    }
    const after = meanReward(learner, tasks, 8, -2);
    expect(after - before).toBeGreaterThan(0.25);
  });

  it("changes nothing for a group whose rewards are all equal", () => {
    const [task, other] = bfclTasks("train", 1);
    const learner = SimulatedLearner.create({ seed: 1 });
    const flat = group(learner, task, 8, 0);
    const equal = { rollouts: flat.rollouts.map((r) => ({ ...r, reward: 0.5 })) };
    const before = learner.toJSON();
    const alone = learner.update({ groups: [equal], config });
    expect(alone).toMatchObject({ groups: 1, zeroVarianceGroups: 1, decisions: 0, meanAbsAdvantage: 0 });
    expect(learner.toJSON().logits).toEqual(before.logits);

    // Beside an informative group it still moves none of its own task's logits.
    let informative = group(learner, other, 8, 1);
    for (let step = 2; new Set(informative.rewards).size < 2; step++) informative = group(learner, other, 8, step);
    const stats = learner.update({ groups: [equal, informative], config });
    expect(stats.zeroVarianceGroups).toBe(1);
    const logits = learner.toJSON().logits;
    expect(Object.keys(logits).some((k) => k.endsWith(other.id))).toBe(true);
    expect(Object.keys(logits).some((k) => k.endsWith(task.id))).toBe(false);
  });

  it("moves a task's logit towards the decisions of its better rollouts", () => {
    const task = bfclTasks("train", 1)[0];
    const make = (rewardOfCorrect: number) => {
      const learner = SimulatedLearner.create({ seed: 4 });
      const rollouts = Array.from({ length: 8 }, (_, sample) => {
        const b = learner.rolloutSync(task, { sample, seed: sample }).behaviour as SimulatedBehaviour;
        const mistakes = b.d.filter((d) => d[1] !== "ok" && d[1] !== "ask").length;
        return { behaviour: b, reward: mistakes === 0 ? rewardOfCorrect : 1 - rewardOfCorrect, mistakes };
      });
      expect(new Set(rollouts.map((r) => r.mistakes === 0)).size).toBe(2);
      learner.update({ groups: [{ rollouts }], config });
      return learner.logit(paramKey.task(task.id));
    };
    expect(make(1)).toBeGreaterThan(0);
    expect(make(0)).toBeLessThan(0);
  });

  it("clips the ratio only once the parameters have moved, and reports it", () => {
    const tasks = bfclTasks("train", 2);
    const learner = SimulatedLearner.create({ seed: 2 });
    const groups = tasks.map((t) => group(learner, t, 8, 0));
    const one = SimulatedLearner.fromJSON(learner.toJSON()).update({ groups, config: { ...config, updateEpochs: 1 } });
    expect(one.clippedFraction).toBe(0);
    expect(one.decisions).toBeGreaterThan(0);
    const many = SimulatedLearner.fromJSON(learner.toJSON()).update({ groups, config: { ...config, learningRate: 5, updateEpochs: 4 } });
    expect(many.clippedFraction).toBeGreaterThan(0);
    expect(many.clippedFraction).toBeLessThanOrEqual(1);
  });

  it("stays closer to its start with a KL penalty", () => {
    const tasks = bfclTasks("train", 3);
    const run = (klCoef: number) => {
      const learner = SimulatedLearner.create({ seed: 3 });
      let kl = 0;
      for (let step = 0; step < 8; step++) kl = learner.update({ groups: tasks.map((t) => group(learner, t, 8, step)), config: { ...config, klCoef } }).klToInit;
      return kl;
    };
    const free = run(0);
    expect(free).toBeGreaterThan(0);
    expect(run(5)).toBeLessThan(free);
  });

  it("refuses behaviour records it did not write", () => {
    const learner = SimulatedLearner.create({ seed: 1 });
    expect(() => learner.update({ groups: [{ rollouts: [{ behaviour: { stopReason: "completed" }, reward: 1 }] }], config })).toThrow(/behaviour/);
  });
});
