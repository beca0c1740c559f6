// The two testbed choices of README.md "Assumptions": a synthesized task's difficulty inherits from its parent,
// and the default update is Adam-style (a step whose size does not shrink when zero-variance groups share a logit).
import { describe, expect, it } from "vitest";
import { hashSeed } from "../../rods/random";
import type { RolloutTask } from "../types";
import { bfclTasks, scoreCalls } from "./bfcl-tasks";
import { SimulatedLearner, paramKey, type UpdateConfig, type UpdateGroup } from "./index";
import { INHERENT, inherentOffset } from "./task-model";

function variant(parent: RolloutTask, i: number): RolloutTask {
  const turns = parent.turns.map((t, n) => (n === 0 ? [{ role: "user" as const, content: `${t[0]?.content ?? ""} (variant ${i})` }] : t));
  return { ...parent, id: `${parent.id}~v${i}`, turns, parent };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

describe("inherited difficulty", () => {
  it("puts a seed's variants around the seed's own difficulty, with the stated spread", () => {
    for (const seed of bfclTasks("train", 1).slice(0, 3)) {
      const own = inherentOffset(seed);
      const children = Array.from({ length: 400 }, (_, i) => inherentOffset(variant(seed, i)));
      expect(Math.abs(mean(children) - own)).toBeLessThan(0.1); // 4 standard errors of 0.5/√400
      expect(sd(children)).toBeGreaterThan(INHERENT.childSpread * 0.85);
      expect(sd(children)).toBeLessThan(INHERENT.childSpread * 1.15);
    }
  });

  it("makes variants of an easy seed easier than variants of a hard one (the mechanism seed choice relies on)", () => {
    const seeds = bfclTasks("train", 25);
    const ranked = [...seeds].sort((a, b) => inherentOffset(a) - inherentOffset(b));
    const hard = ranked[0]!;
    const easy = ranked.at(-1)!;
    const learner = SimulatedLearner.create({ seed: 1 });
    const success = (task: RolloutTask) =>
      mean(Array.from({ length: 16 }, (_, s) => scoreCalls(task, learner.rolloutSync(task, { sample: s, seed: hashSeed(3, task.id, s) }).modelCalls).progressReward));
    const easyKids = mean(Array.from({ length: 12 }, (_, i) => success(variant(easy, i))));
    const hardKids = mean(Array.from({ length: 12 }, (_, i) => success(variant(hard, i))));
    expect(easyKids).toBeGreaterThan(hardKids);
  });
});

describe("Adam-style update (the run default)", () => {
  const base: UpdateConfig = { learningRate: 0.5, clip: 0.2, klCoef: 0, updateEpochs: 1 };

  function groups(learner: SimulatedLearner, tasks: readonly RolloutTask[]): UpdateGroup[] {
    return tasks.map((task) => ({
      rollouts: Array.from({ length: 8 }, (_, sample) => {
        const r = learner.rolloutSync(task, { sample, seed: hashSeed(5, task.id, sample) });
        return { behaviour: r.behaviour, reward: scoreCalls(task, r.modelCalls).progressReward };
      }),
    }));
  }

  function moveOfGlobal(config: UpdateConfig, withDiluting: boolean): number {
    const learner = SimulatedLearner.create({ seed: 1 });
    const tasks = bfclTasks("train", 3);
    const all = groups(learner, tasks);
    const informative = all.filter((g) => new Set(g.rollouts.map((r) => r.reward)).size > 1).slice(0, 2);
    const flat = all.filter((g) => new Set(g.rollouts.map((r) => r.reward)).size === 1);
    expect(informative.length).toBeGreaterThan(0);
    expect(flat.length).toBeGreaterThan(0);
    const key = paramKey.callBias;
    const before = learner.logit(key);
    learner.update({ groups: withDiluting ? [...informative, ...flat, ...flat, ...flat] : informative, config });
    return Math.abs(learner.logit(key) - before);
  }

  it("takes the same first step whether or not zero-variance groups share the logit; SGD's step shrinks", () => {
    const adam = { ...base, optimizer: "adam" as const, adamStepSize: 0.3 };
    const sgd = { ...base, optimizer: "sgd" as const };
    const adamAlone = moveOfGlobal(adam, false);
    const adamDiluted = moveOfGlobal(adam, true);
    expect(adamAlone).toBeGreaterThan(0);
    expect(adamDiluted).toBeCloseTo(adamAlone, 6);
    const sgdAlone = moveOfGlobal(sgd, false);
    const sgdDiluted = moveOfGlobal(sgd, true);
    expect(sgdDiluted).toBeLessThan(sgdAlone * 0.8);
  });

  it("keeps its moments through JSON, so a resumed learner continues exactly", () => {
    const tasks = bfclTasks("train", 2);
    const config: UpdateConfig = { ...base, optimizer: "adam", adamStepSize: 0.3 };
    const a = SimulatedLearner.create({ seed: 2 });
    a.update({ groups: groups(a, tasks), config });
    const b = SimulatedLearner.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.toJSON().moments).toBeDefined();
    const g = groups(a, tasks);
    a.update({ groups: g, config });
    b.update({ groups: g, config });
    expect(b.toJSON()).toEqual(a.toJSON());
  });
});
