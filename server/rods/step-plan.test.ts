import { describe, expect, it } from "vitest";
import { describePlanChange, planRunSteps, stepsForPool, stepsWithinBudget, type TEpochKnown } from "./step-plan";

const settings = { epochs: 4, batchSize: 4, k: 8 };
const pools = (...sizes: number[]): TEpochKnown[] => sizes.map((poolSize) => ({ poolSize, steps: null }));

describe("stepsForPool", () => {
  it("is one step per batch, a short last batch included", () => {
    expect(stepsForPool({ poolSize: 40, batchSize: 4 })).toBe(10);
    expect(stepsForPool({ poolSize: 41, batchSize: 4 })).toBe(11);
    expect(stepsForPool({ poolSize: 3, batchSize: 4 })).toBe(1);
    expect(stepsForPool({ poolSize: 0, batchSize: 4 })).toBe(0);
  });
});

describe("planRunSteps over a sequence of pool sizes", () => {
  it("keeps the creation plan while the pool does not change the steps of an epoch", () => {
    const plan = planRunSteps({ settings, known: pools(40, 39, 38, 37) }); // 10 steps each: ceil(37/4) = 10
    expect(plan).toMatchObject({ initialTotal: 40, total: 40, stepsByEpoch: [10, 10, 10, 10], changes: [], budgetCap: null });
  });

  it("records each epoch whose pool moved the total, with the pool sizes and both totals", () => {
    // Injection grows the pool at epoch 2 (40 → 52), retirement shrinks it at epoch 4 (52 → 45).
    const plan = planRunSteps({ settings, known: pools(40, 52, 52, 45) });
    expect(plan.initialTotal).toBe(40);
    expect(plan.stepsByEpoch).toEqual([10, 13, 13, 12]);
    expect(plan.total).toBe(10 + 13 + 13 + 12);
    expect(plan.changes).toEqual([
      { epoch: 1, poolBefore: 40, poolAfter: 52, stepsPerEpochBefore: 10, stepsPerEpochAfter: 13, totalBefore: 40, totalAfter: 49 },
      { epoch: 3, poolBefore: 52, poolAfter: 45, stepsPerEpochBefore: 13, stepsPerEpochAfter: 12, totalBefore: 49, totalAfter: 48 },
    ]);
    expect(describePlanChange(plan.changes[0]!)).toBe("plan changed at epoch 2: pool grew from 40 to 52 tasks → 13 steps per epoch (was 10), 49 steps in total (was 40)");
    expect(describePlanChange(plan.changes[1]!)).toBe("plan changed at epoch 4: pool shrank from 52 to 45 tasks → 12 steps per epoch (was 13), 48 steps in total (was 49)");
  });

  it("explains every move of the total as the epochs become known, one at a time", () => {
    const sizes = [40, 44, 52, 47];
    let shown = planRunSteps({ settings, known: pools(sizes[0]!) }).total;
    for (let known = 2; known <= sizes.length; known++) {
      const plan = planRunSteps({ settings, known: pools(...sizes.slice(0, known)) });
      const change = plan.changes.find((c) => c.epoch === known - 1);
      if (plan.total !== shown) expect(change).toMatchObject({ totalBefore: shown, totalAfter: plan.total });
      else expect(change).toBeUndefined();
      shown = plan.total;
    }
  });

  it("takes planned steps over the pool's prediction once an epoch is planned", () => {
    const plan = planRunSteps({ settings, known: [{ poolSize: 40, steps: 10 }, { poolSize: 52, steps: 10 }] });
    expect(plan).toMatchObject({ total: 40, changes: [] });
  });

  it("is capped by a step budget, and a pool that grows past the budget changes nothing", () => {
    const plan = planRunSteps({ settings: { ...settings, budgetSteps: 30 }, known: pools(40, 52) });
    expect(plan).toMatchObject({ initialTotal: 30, total: 30, changes: [], budgetCap: 30 });
  });

  it("a step budget above the new plan lets the pool move the total again", () => {
    const plan = planRunSteps({ settings: { ...settings, budgetSteps: 45 }, known: pools(40, 52) });
    expect(plan).toMatchObject({ initialTotal: 40, total: 45, budgetCap: 45 });
    expect(plan.changes).toHaveLength(1);
  });

  it("is capped by a rollout budget: no step starts once the rollouts are used", () => {
    // 4 tasks × K 8 = 32 rollouts a step; 100 rollouts allow steps starting at 0, 32, 64, 96 → 4 steps.
    const plan = planRunSteps({ settings: { ...settings, budgetRollouts: 100 }, known: pools(40) });
    expect(plan).toMatchObject({ initialTotal: 4, total: 4, budgetCap: 4 });
  });

  it("a budget that cut the last epoch short (its unstarted steps removed) is not read as a plan change", () => {
    const plan = planRunSteps({ settings: { ...settings, budgetSteps: 25 }, known: [{ poolSize: 40, steps: 10 }, { poolSize: 40, steps: 10 }, { poolSize: 40, steps: 5 }] });
    expect(plan).toMatchObject({ initialTotal: 25, total: 25, changes: [] });
  });

  it("ignores pools known past the last epoch", () => {
    expect(planRunSteps({ settings: { ...settings, epochs: 1 }, known: pools(40, 80) })).toMatchObject({ total: 10, changes: [] });
  });
});

describe("stepsWithinBudget", () => {
  it("stops at the first budget reached", () => {
    const epochs = [
      { steps: 3, rolloutsPerStep: 10 },
      { steps: 3, rolloutsPerStep: 20 },
    ];
    expect(stepsWithinBudget(epochs, {})).toBe(6);
    expect(stepsWithinBudget(epochs, { budgetSteps: 4 })).toBe(4);
    expect(stepsWithinBudget(epochs, { budgetRollouts: 30 })).toBe(3); // 30 used after three steps
    expect(stepsWithinBudget(epochs, { budgetRollouts: 31 })).toBe(4);
    expect(stepsWithinBudget(epochs, { budgetRollouts: 31, budgetSteps: 2 })).toBe(2);
  });
});
