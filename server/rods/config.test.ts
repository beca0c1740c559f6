import { describe, expect, it } from "vitest";
import { MODE_HELP } from "../../app/experiments/new/run-fields";
import { isBudgetReached, MODE_TEXTS, modeFlags, RUN_MODES, ZRunConfig } from "./config";

describe("run modes", () => {
  it("every mode has its text, and the form shows exactly the same text", () => {
    for (const mode of RUN_MODES) expect(MODE_TEXTS[mode].length).toBeGreaterThan(20);
    expect(MODE_HELP).toEqual(MODE_TEXTS);
  });

  it("switches on what each mode's text says", () => {
    expect(modeFlags("static")).toMatchObject({ synthesizes: false, retires: false });
    expect(modeFlags("no_refresh")).toMatchObject({ synthesizes: true, retires: false, isSingleRound: true });
    expect(modeFlags("no_retirement")).toMatchObject({ synthesizes: true, retires: false, isSingleRound: false });
    expect(modeFlags("no_rewrite")).toMatchObject({ synthesizes: true, retires: true, skipsRewrite: true });
    expect(modeFlags("rods")).toMatchObject({ synthesizes: true, retires: true, skipsRewrite: false, isRandomSeeds: false, isBinaryReward: false });
  });
});

describe("training budget", () => {
  it("defaults to none: epochs alone bound a run", () => {
    const c = ZRunConfig.parse({});
    expect(c.budgetSteps).toBeNull();
    expect(isBudgetReached(c, { steps: 10_000, rollouts: 10_000_000 })).toBe(false);
  });

  it("stops at the step budget or the rollout budget, whichever comes first", () => {
    const c = ZRunConfig.parse({ budgetSteps: 12, budgetRollouts: 5000 });
    expect(isBudgetReached(c, { steps: 11, rollouts: 4999 })).toBe(false);
    expect(isBudgetReached(c, { steps: 12, rollouts: 0 })).toBe(true);
    expect(isBudgetReached(c, { steps: 3, rollouts: 5000 })).toBe(true);
  });

  it("refuses a budget that is not a positive integer", () => {
    expect(ZRunConfig.safeParse({ budgetSteps: 0 }).success).toBe(false);
    expect(ZRunConfig.safeParse({ budgetRollouts: 1.5 }).success).toBe(false);
  });
});

describe("trainer settings", () => {
  it("refuses a trainer-driven run that also expects batches and acks, naming the setting to change", () => {
    const result = ZRunConfig.safeParse({ rollouts: "trainer", trainer: "external" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["trainer"]);
    expect(result.error?.issues[0]?.message).toMatch(/set trainer to "builtin"/);
    expect(ZRunConfig.safeParse({ rollouts: "trainer" }).success).toBe(true);
    expect(ZRunConfig.safeParse({ trainer: "external", maxPolicyLag: 2 }).success).toBe(true);
  });
});
