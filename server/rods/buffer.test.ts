import { describe, it, expect } from "vitest";
import { batchesOf, epochOrder, fullBatchesOf, injectionCap, planInjection, planRetirements, pruneOverPMax, type PoolEntryView } from "./buffer";

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

  it("lets fresh tasks enter over P_max when the mode prunes right after (pruneOverPMax restores the bound)", () => {
    const plan = planInjection({ staged, activeCount: 100, activeSynthesizedCount: 50, beta: 0.2, pMax: 50, canPrune: true });
    expect(plan.inject).toHaveLength(4);
  });

  it("injects only into the room left under P_max when the mode never prunes", () => {
    expect(planInjection({ staged, activeCount: 100, activeSynthesizedCount: 48, beta: 0.2, pMax: 50, canPrune: false }).inject).toEqual(["first", "a"]);
    expect(planInjection({ staged, activeCount: 100, activeSynthesizedCount: 50, beta: 0.2, pMax: 50, canPrune: false }).inject).toEqual([]);
  });
});

describe("buffer invariant: synthesized part of the active pool ≤ P_max, injection included", () => {
  // Many epochs of the boundary as the driver applies it: retire, inject, prune after injection (modes that retire),
  // with random staging and random observations. The invariant must hold after every boundary.
  for (const canPrune of [true, false]) {
    it(`holds over 60 random epochs (${canPrune ? "mode that retires" : "mode that never retires"})`, () => {
      let seedN = 7;
      const rand = () => ((seedN = (seedN * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const pMax = 30;
      let pool: PoolEntryView[] = Array.from({ length: 40 }, (_, i) => entry(`seed${i}`, [rand()], true));
      let next = 0;
      let maxSeen = 0;
      for (let epoch = 0; epoch < 60; epoch++) {
        pool = pool.map((e) => ({ ...e, observations: [...e.observations, rand()] }));
        const staged = Array.from({ length: Math.floor(rand() * 25) }, () => ({ taskId: `syn${String(next++).padStart(4, "0")}`, stagedStep: epoch }));
        const phi = new Map(pool.map((e) => [e.taskId, rand()]));
        if (canPrune) {
          const gone = new Set(planRetirements({ ...rules, pMax, entries: pool, phiOf: (t) => phi.get(t) ?? 0 }).map((r) => r.taskId));
          pool = pool.filter((e) => !gone.has(e.taskId));
        }
        const synthesized = pool.filter((e) => !e.isSeed).length;
        const plan = planInjection({ staged, activeCount: pool.length, activeSynthesizedCount: synthesized, beta: 0.5, pMax, canPrune });
        pool.push(...plan.inject.map((taskId) => entry(taskId, [], false, epoch + 1)));
        if (canPrune) {
          const pruned = new Set(pruneOverPMax({ entries: pool, pMax, phiOf: (t) => phi.get(t) ?? 0 }).map((r) => r.taskId));
          // never-observed (just injected) tasks are pruned last: fresh tasks get observed
          expect(pool.filter((e) => pruned.has(e.taskId) && e.observations.length === 0).length).toBeLessThanOrEqual(Math.max(0, plan.inject.length - pMax));
          pool = pool.filter((e) => !pruned.has(e.taskId));
        }
        const after = pool.filter((e) => !e.isSeed).length;
        maxSeen = Math.max(maxSeen, after);
        expect(after).toBeLessThanOrEqual(pMax);
      }
      // the bound was actually reached, so the test exercised it
      expect(maxSeen).toBe(pMax);
    });
  }
});

describe("burn-in rule", () => {
  // DESIGN terms: a synthesized task whose FIRST observed r̄ (its first step after entering the pool) is below the
  // burn-in threshold is retired at the next epoch boundary with reason burn_in; seeds never burn in; a task not
  // yet observed is never burned in; a later good observation does not rescue a bad first one.
  it("retires a synthesized task by its first observation only", () => {
    const result = planRetirements({
      ...rules,
      entries: [entry("bad-first", [0.1, 0.6]), entry("good-first", [0.5, 0.1]), entry("unseen", []), entry("seed-low", [0.1, 0.5], true), entry("at-threshold", [0.2])],
    });
    expect(result.filter((r) => r.reason === "burn_in").map((r) => r.taskId)).toEqual(["bad-first"]);
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

describe("fullBatchesOf", () => {
  it("tops up the last batch with the epoch's first tasks it does not hold, so every batch is full", () => {
    const order = ["a", "b", "c", "d", "e", "f", "g"];
    expect(fullBatchesOf(order, 3)).toEqual([["a", "b", "c"], ["d", "e", "f"], ["g", "a", "b"]]);
    expect(fullBatchesOf(order, 7)).toEqual([order]);
  });

  it("keeps a pool smaller than one batch as one short batch, and never repeats a task within a batch", () => {
    expect(fullBatchesOf(["a", "b"], 5)).toEqual([["a", "b"]]);
    for (const b of fullBatchesOf(Array.from({ length: 23 }, (_, i) => `t${i}`), 10)) expect(new Set(b).size).toBe(10);
  });
});
