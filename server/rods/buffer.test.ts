import { describe, it, expect } from "vitest";
import { batchesOf, epochOrder, injectionCap, planInjection, planRetirements, type PoolEntryView } from "./buffer";

describe("planInjection", () => {
  const staged = [
    { taskId: "late", stagedStep: 9 },
    { taskId: "b", stagedStep: 3 },
    { taskId: "a", stagedStep: 3 },
    { taskId: "first", stagedStep: 1 },
  ];

  it("injects the oldest staged first, ties by taskId, up to floor(β · active)", () => {
    const plan = planInjection({ staged, activeCount: 10, activeSynthesizedCount: 0, beta: 0.2, pMax: 400 });
    expect(plan.inject).toEqual(["first", "a"]);
    expect(plan.keepStaged).toEqual(["b", "late"]);
  });

  it("rounds β · active down but injects at least one", () => {
    expect(injectionCap(14, 0.2)).toBe(2);
    expect(injectionCap(4, 0.2)).toBe(1);
    expect(injectionCap(100, 0.29)).toBe(29);
    expect(planInjection({ staged, activeCount: 3, beta: 0.2 }).inject).toEqual(["first"]);
  });

  it("injects nothing with β = 0 or an empty pool", () => {
    expect(planInjection({ staged, activeCount: 10, beta: 0 }).inject).toEqual([]);
    expect(planInjection({ staged, activeCount: 0, beta: 0.2 }).inject).toEqual([]);
    expect(planInjection({ staged, activeCount: 0, beta: 0.2 }).keepStaged).toHaveLength(4);
  });

  it("injects everything staged when the cap is larger", () => {
    const plan = planInjection({ staged, activeCount: 100, beta: 0.2 });
    expect(plan.inject).toHaveLength(4);
    expect(plan.keepStaged).toEqual([]);
  });

  it("ignores P_max: pruning enforces it afterwards", () => {
    const plan = planInjection({ staged, activeCount: 100, activeSynthesizedCount: 50, beta: 0.2, pMax: 50 });
    expect(plan.inject).toHaveLength(4);
  });
});

const rules = { burnInThreshold: 0.2, driftHigh: 0.95, driftLow: 0.2, driftWindow: 2, pMax: 100, phiOf: () => 0.5 };
const entry = (taskId: string, observations: number[], isSeed = false, enteredEpoch = 0): PoolEntryView => ({ taskId, isSeed, enteredEpoch, observations });

describe("planRetirements", () => {
  it("burns in a synthesized task whose first observation is below the threshold", () => {
    expect(planRetirements({ ...rules, entries: [entry("s", [0.1])] })).toEqual([{ taskId: "s", reason: "burn_in" }]);
  });

  it("burns in only on the first observation", () => {
    expect(planRetirements({ ...rules, entries: [entry("s", [0.5, 0.1, 0.6])] })).toEqual([]);
    expect(planRetirements({ ...rules, entries: [entry("s", [0.1, 0.5, 0.6])] })).toEqual([{ taskId: "s", reason: "burn_in" }]);
  });

  it("never burns in a seed or an unobserved task", () => {
    expect(planRetirements({ ...rules, entries: [entry("seed", [0.1], true), entry("new", [])] })).toEqual([]);
  });

  it("does not burn in at exactly the threshold", () => {
    expect(planRetirements({ ...rules, entries: [entry("s", [0.2])] })).toEqual([]);
  });

  it("retires drift only once driftWindow observations exist", () => {
    expect(planRetirements({ ...rules, entries: [entry("seed", [1], true)] })).toEqual([]);
    expect(planRetirements({ ...rules, entries: [entry("seed", [1, 1], true)] })).toEqual([{ taskId: "seed", reason: "mastered" }]);
    expect(planRetirements({ ...rules, entries: [entry("seed", [0.1, 0.1], true)] })).toEqual([{ taskId: "seed", reason: "unsolvable" }]);
  });

  it("averages only the last driftWindow observations, strictly against the thresholds", () => {
    const result = planRetirements({
      ...rules,
      driftWindow: 3,
      entries: [
        entry("recovered", [0.3, 0.0, 0.9, 0.9], true), // last 3 mean 0.6
        entry("mastered", [0.3, 0.9, 1, 1]), // last 3 mean 0.9667
        entry("edge", [0.95, 0.95, 0.95]), // mean 0.95, not above
      ],
    });
    expect(result).toEqual([{ taskId: "mastered", reason: "mastered" }]);
  });

  it("gives burn-in precedence over drift", () => {
    expect(planRetirements({ ...rules, entries: [entry("s", [0, 0])] })).toEqual([{ taskId: "s", reason: "burn_in" }]);
  });

  it("prunes the lowest-φ synthesized tasks down to P_max, never seeds", () => {
    const phi: Record<string, number> = { seed: 0, a: 0.9, b: 0.1, c: 0.5, d: 0.3 };
    const result = planRetirements({
      ...rules,
      pMax: 2,
      phiOf: (id) => phi[id]!,
      entries: [entry("seed", [0.5], true), entry("a", [0.5]), entry("b", [0.5]), entry("c", [0.5]), entry("d", [0.5])],
    });
    expect(result).toEqual([
      { taskId: "b", reason: "pruned" },
      { taskId: "d", reason: "pruned" },
    ]);
  });

  it("counts earlier retirements before pruning, one reason per task", () => {
    const result = planRetirements({
      ...rules,
      pMax: 2,
      phiOf: (id) => (id === "burnt" ? 0 : id === "low" ? 0.1 : 0.8),
      entries: [entry("burnt", [0.1]), entry("low", [0.5]), entry("x", [0.5]), entry("y", [0.5])],
    });
    expect(result).toEqual([
      { taskId: "burnt", reason: "burn_in" },
      { taskId: "low", reason: "pruned" },
    ]);
  });

  it("breaks pruning ties by older entry then taskId, and prunes unobserved tasks last", () => {
    const result = planRetirements({
      ...rules,
      pMax: 1,
      phiOf: () => 0.5,
      entries: [entry("fresh", [], false, 0), entry("z-old", [0.5], false, 1), entry("b-new", [0.5], false, 3), entry("a-new", [0.5], false, 3)],
    });
    expect(result.map((r) => r.taskId)).toEqual(["z-old", "a-new", "b-new"]);
  });

  it("prunes everything synthesized with P_max 0", () => {
    const result = planRetirements({ ...rules, pMax: 0, entries: [entry("a", [0.5]), entry("seed", [0.5], true)] });
    expect(result).toEqual([{ taskId: "a", reason: "pruned" }]);
  });

  it("retires nothing when retirement is switched off", () => {
    const result = planRetirements({ ...rules, pMax: 0, retires: false, entries: [entry("a", [0.1]), entry("b", [1, 1])] });
    expect(result).toEqual([]);
  });
});

describe("epochOrder and batchesOf", () => {
  const ids = Array.from({ length: 30 }, (_, i) => `t${i}`);

  it("is a permutation, fixed by run seed and epoch, independent of the input order", () => {
    const order = epochOrder({ taskIds: ids, epoch: 2, runSeed: 1 });
    expect([...order].sort()).toEqual([...ids].sort());
    expect(epochOrder({ taskIds: [...ids].reverse(), epoch: 2, runSeed: 1 })).toEqual(order);
  });

  it("changes with the epoch and the run seed", () => {
    const order = epochOrder({ taskIds: ids, epoch: 0, runSeed: 1 });
    expect(epochOrder({ taskIds: ids, epoch: 1, runSeed: 1 })).not.toEqual(order);
    expect(epochOrder({ taskIds: ids, epoch: 0, runSeed: 2 })).not.toEqual(order);
  });

  it("splits into batches with a shorter last one", () => {
    expect(batchesOf(["a", "b", "c", "d", "e"], 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(batchesOf([], 3)).toEqual([]);
    expect(batchesOf(["a"], 100)).toEqual([["a"]]);
  });

  it("rejects a batch size below 1", () => {
    expect(() => batchesOf(["a"], 0)).toThrow(/positive integer/);
  });
});
