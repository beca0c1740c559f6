import { describe, expect, it } from "vitest";
import type { Db } from "../db";
import { ZRunConfig } from "../rods/config";
import { canEvaluateEarly, isPoolFrozenAfter } from "../rods/schedule";
import { canRollAhead, claimStepsAhead } from "./roll-ahead";

const openai = { kind: "openai", baseUrl: "http://127.0.0.1:8000/v1", model: "m" } as const;

describe("canRollAhead", () => {
  it("queues an external policy's next step early, never the simulated learner's (RODS updates it between steps)", () => {
    expect(canRollAhead(ZRunConfig.parse({ policy: openai }), 1)).toBe(true);
    expect(canRollAhead(ZRunConfig.parse({ policy: { kind: "simulated" } }), 1)).toBe(false);
  });

  it("never for a trainer-driven run, and never past a training budget", () => {
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, rollouts: "trainer" }), 1)).toBe(false);
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, budgetSteps: 3 }), 2)).toBe(true);
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, budgetSteps: 3 }), 3)).toBe(false);
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, budgetRollouts: 10_000 }), 1)).toBe(false);
  });
});

describe("claimStepsAhead", () => {
  /** The step table's conditional update, in memory: a step is marked once, by whoever gets there first. */
  function stepTable(statuses: Record<number, string>) {
    const marked: number[] = [];
    const db = {
      step: {
        updateMany: async ({ where }: { where: { index: number; status: string } }) => {
          if (statuses[where.index] !== where.status) return { count: 0 };
          statuses[where.index] = "rolling";
          marked.push(where.index);
          return { count: 1 };
        },
      },
    } as unknown as Db;
    const epochSteps = Object.keys(statuses).map((i) => ({ index: Number(i), status: statuses[Number(i)]!, taskIds: [] }));
    return { db, marked, epochSteps };
  }
  const config = ZRunConfig.parse({ policy: openai });
  const always = async () => true;

  it("marks the next two pending steps of the epoch, in order, and no further", async () => {
    const { db, marked, epochSteps } = stepTable({ 4: "rolling", 5: "pending", 6: "pending", 7: "pending" });
    const claimed = await claimStepsAhead({ db, runId: "r", config, stepIndex: 4, epochSteps, allows: always });
    expect(claimed.map((s) => s.index)).toEqual([5, 6]);
    expect(marked).toEqual([5, 6]);
    // The next call finds both rolling and only the one after them is new once step 5 is the oldest unfinished.
    const again = await claimStepsAhead({ db, runId: "r", config, stepIndex: 4, epochSteps: epochSteps.map((s) => ({ ...s, status: s.index <= 6 ? "rolling" : s.status })), allows: always });
    expect(again).toEqual([]);
    const later = await claimStepsAhead({ db, runId: "r", config, stepIndex: 5, epochSteps, allows: always });
    expect(later.map((s) => s.index)).toEqual([7]);
  });

  it("a step another worker marked first is not sent again (the status read earlier may be stale)", async () => {
    const { db, epochSteps } = stepTable({ 0: "rolling", 1: "rolling", 2: "pending" });
    const stale = epochSteps.map((s) => ({ ...s, status: s.index === 1 ? "pending" : s.status }));
    expect((await claimStepsAhead({ db, runId: "r", config, stepIndex: 0, epochSteps: stale, allows: always })).map((s) => s.index)).toEqual([2]);
  });

  it("stops where the trainer's lag rule or the budget says so, and never for the simulated learner", async () => {
    const lagged = stepTable({ 0: "rolling", 1: "pending", 2: "pending" });
    expect((await claimStepsAhead({ db: lagged.db, runId: "r", config, stepIndex: 0, epochSteps: lagged.epochSteps, allows: async (i) => i < 2 })).map((s) => s.index)).toEqual([1]);
    const budgeted = stepTable({ 0: "rolling", 1: "pending", 2: "pending" });
    expect((await claimStepsAhead({ db: budgeted.db, runId: "r", config: ZRunConfig.parse({ policy: openai, budgetSteps: 2 }), stepIndex: 0, epochSteps: budgeted.epochSteps, allows: always })).map((s) => s.index)).toEqual([1]);
    const learner = stepTable({ 0: "rolling", 1: "pending" });
    expect(await claimStepsAhead({ db: learner.db, runId: "r", config: ZRunConfig.parse({}), stepIndex: 0, epochSteps: learner.epochSteps, allows: always })).toEqual([]);
    expect(learner.marked).toEqual([]);
  });
});

describe("canEvaluateEarly", () => {
  it("only a policy RODS never changes: an OpenAI-compatible endpoint with the builtin trainer, rolled out by RODS", () => {
    expect(canEvaluateEarly(ZRunConfig.parse({ policy: openai }))).toBe(true);
    expect(canEvaluateEarly(ZRunConfig.parse({ policy: openai, trainer: "external" }))).toBe(false);
    expect(canEvaluateEarly(ZRunConfig.parse({ policy: openai, rollouts: "trainer" }))).toBe(false);
    expect(canEvaluateEarly(ZRunConfig.parse({}))).toBe(false);
  });
});

describe("isPoolFrozenAfter", () => {
  it("static always; no_refresh after its one round with automatic review; never where the boundary injects or retires", () => {
    expect(isPoolFrozenAfter(ZRunConfig.parse({ mode: "static" }), 0)).toBe(true);
    expect(isPoolFrozenAfter(ZRunConfig.parse({ mode: "no_refresh" }), 0)).toBe(false);
    expect(isPoolFrozenAfter(ZRunConfig.parse({ mode: "no_refresh" }), 1)).toBe(true);
    expect(isPoolFrozenAfter(ZRunConfig.parse({ mode: "no_refresh", reviewPolicy: "manual" }), 1)).toBe(false);
    for (const mode of ["rods", "random_seeds", "binary_reward", "no_retirement", "no_rewrite"] as const) expect(isPoolFrozenAfter(ZRunConfig.parse({ mode }), 3)).toBe(false);
  });
});
