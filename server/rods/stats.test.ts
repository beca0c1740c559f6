import { describe, it, expect } from "vitest";
import { groupStats, grpoAdvantages, regionOf, rewardOf, stepAggregates } from "./stats";

const thresholds = { alphaMinus: 0.2, alphaPlus: 0.85 };

describe("groupStats", () => {
  it("computes population mean, variance, std, phi and successes", () => {
    const s = groupStats([1, 0, 1, 0.5]);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(0.625, 12);
    // deviations 0.375, -0.625, 0.375, -0.125 → squares sum 0.6875, /4
    expect(s.variance).toBeCloseTo(0.171875, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(0.171875), 12);
    expect(s.phi).toBeCloseTo(4 * 0.625 * 0.375, 12);
    expect(s.successes).toBe(2);
  });

  it("returns zeros for an empty group", () => {
    expect(groupStats([])).toEqual({ n: 0, mean: 0, variance: 0, std: 0, phi: 0, successes: 0 });
  });

  it("gives exactly zero variance for equal rewards even when the mean carries float noise", () => {
    const s = groupStats([0.1, 0.1, 0.1]);
    expect(s.variance).toBe(0);
    expect(s.std).toBe(0);
  });

  it("has phi 1 at a balanced K=2 group and 0 at the extremes", () => {
    expect(groupStats([0, 1]).phi).toBe(1);
    expect(groupStats([0, 1]).variance).toBe(0.25);
    expect(groupStats([1, 1]).phi).toBe(0);
    expect(groupStats([0, 0]).phi).toBe(0);
  });

  it("clamps phi to [0, 1] for rewards outside [0, 1]", () => {
    expect(groupStats([2, 2]).phi).toBe(0);
  });

  it("counts only rewards of exactly 1 as successes", () => {
    expect(groupStats([0.99, 1, 1]).successes).toBe(2);
  });
});

describe("regionOf", () => {
  it("puts the thresholds themselves in the boundary region", () => {
    expect(regionOf(0.2, thresholds)).toBe("boundary");
    expect(regionOf(0.85, thresholds)).toBe("boundary");
  });
  it("classifies below α− as hard and above α+ as mastered", () => {
    expect(regionOf(0.19, thresholds)).toBe("hard");
    expect(regionOf(0, thresholds)).toBe("hard");
    expect(regionOf(0.86, thresholds)).toBe("mastered");
    expect(regionOf(1, thresholds)).toBe("mastered");
  });
});

describe("grpoAdvantages", () => {
  it("gives exact zeros for a zero-variance group", () => {
    expect(grpoAdvantages([1, 1, 1])).toEqual([0, 0, 0]);
    expect(grpoAdvantages([0.3, 0.3])).toEqual([0, 0]);
  });
  it("gives an empty list for an empty group", () => {
    expect(grpoAdvantages([])).toEqual([]);
  });
  it("normalises a K=2 group to about ±1", () => {
    const [a, b] = grpoAdvantages([1, 0]);
    expect(a).toBeCloseTo(1, 5);
    expect(b).toBeCloseTo(-1, 5);
    expect(a! + b!).toBeCloseTo(0, 12);
  });
  it("uses ε in the denominator", () => {
    const [a] = grpoAdvantages([1, 0], 0.5);
    expect(a).toBeCloseTo(0.5 / (0.5 + 0.5), 12);
  });
  it("sums to zero and keeps the order of rewards", () => {
    const adv = grpoAdvantages([0.2, 0.8, 0.5, 1]);
    expect(adv.reduce((x, y) => x + y, 0)).toBeCloseTo(0, 9);
    expect(adv[3]).toBeGreaterThan(adv[1]!);
    expect(adv[0]).toBeLessThan(0);
  });
});

describe("stepAggregates", () => {
  it("returns zeros for no groups", () => {
    const a = stepAggregates([], thresholds);
    expect(a.numTasks).toBe(0);
    expect(a.informativeFraction).toBe(0);
    expect(a.gradConcentration).toBe(0);
    expect(a.regions).toEqual({ seed: { hard: 0, boundary: 0, mastered: 0 }, synthesized: { hard: 0, boundary: 0, mastered: 0 } });
  });

  it("leaves groups without rewards out of every aggregate", () => {
    const a = stepAggregates(
      [
        { taskId: "a", rewards: [], isSeed: true },
        { taskId: "b", rewards: [0, 1], isSeed: true },
      ],
      thresholds,
    );
    expect(a.numTasks).toBe(1);
    expect(a.informativeFraction).toBe(1);
    expect(a.regions.seed).toEqual({ hard: 0, boundary: 1, mastered: 0 });
  });

  it("counts informative and zero-variance groups, mean phi, mean reward and regions by origin", () => {
    const a = stepAggregates(
      [
        { taskId: "a", rewards: [1, 1], isSeed: true }, // mastered, zero variance
        { taskId: "b", rewards: [0, 0], isSeed: true }, // hard, zero variance
        { taskId: "c", rewards: [0, 1], isSeed: false }, // boundary
        { taskId: "d", rewards: [0.5, 0.5, 1, 0], isSeed: false }, // boundary
      ],
      thresholds,
    );
    expect(a.numTasks).toBe(4);
    expect(a.zeroVarianceGroups).toBe(2);
    expect(a.informativeFraction).toBe(0.5);
    expect(a.meanPhi).toBeCloseTo((0 + 0 + 1 + 1) / 4, 12);
    expect(a.meanReward).toBeCloseTo((1 + 0 + 0.5 + 0.5) / 4, 12);
    expect(a.regions).toEqual({ seed: { hard: 1, boundary: 0, mastered: 1 }, synthesized: { hard: 0, boundary: 2, mastered: 0 } });
  });

  it("weights tasks equally in the mean reward, whatever their K", () => {
    const a = stepAggregates(
      [
        { taskId: "a", rewards: [1, 1, 1, 1, 1, 1], isSeed: true },
        { taskId: "b", rewards: [0, 0], isSeed: true },
      ],
      thresholds,
    );
    expect(a.meanReward).toBe(0.5);
  });

  it("gives the share of summed std carried by the top ceil(10 %) of tasks", () => {
    // 11 tasks → top 2 by std. Two tasks with std 0.5, nine with std 0 except one with std 0.25.
    const groups = [
      { taskId: "t0", rewards: [0, 1], isSeed: true },
      { taskId: "t1", rewards: [1, 0], isSeed: true },
      { taskId: "t2", rewards: [0.25, 0.75], isSeed: true },
      ...Array.from({ length: 8 }, (_, i) => ({ taskId: `z${i}`, rewards: [1, 1], isSeed: true })),
    ];
    const a = stepAggregates(groups, thresholds);
    expect(a.numTasks).toBe(11);
    expect(a.gradConcentration).toBeCloseTo(1 / 1.25, 12);
  });

  it("takes at least one task for the concentration of a small step", () => {
    const a = stepAggregates(
      [
        { taskId: "a", rewards: [0, 1], isSeed: true },
        { taskId: "b", rewards: [0, 1], isSeed: true },
      ],
      thresholds,
    );
    expect(a.gradConcentration).toBeCloseTo(0.5, 12);
  });

  it("gives concentration 0 when every group has zero variance", () => {
    const a = stepAggregates([{ taskId: "a", rewards: [1, 1], isSeed: true }], thresholds);
    expect(a.gradConcentration).toBe(0);
    expect(a.informativeFraction).toBe(0);
  });
});

describe("rewardOf", () => {
  it("returns the progress reward by default and binary success in the binary_reward ablation", () => {
    expect(rewardOf({ progressReward: 0.5, success: false }, false)).toBe(0.5);
    expect(rewardOf({ progressReward: 0.5, success: false }, true)).toBe(0);
    expect(rewardOf({ progressReward: 1, success: true }, true)).toBe(1);
  });
});
