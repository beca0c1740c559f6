// Training budgets (steps or rollouts) beside epochs, so that compared modes get the same number of policy updates
// and rollouts whatever their pool sizes. The rule itself is isBudgetReached in server/rods/config.ts.
import type { Db } from "../db";
import { isBudgetReached, type TRunConfig } from "../rods/config";

/** True when the run has used its step or rollout budget (steps are sequential, so steps done = currentStep). */
export async function isRunBudgetSpent({ db, runId, config, stepsDone }: { db: Db; runId: string; config: TRunConfig; stepsDone: number }): Promise<boolean> {
  if (config.budgetSteps == null && config.budgetRollouts == null) return false;
  let rollouts = 0;
  if (config.budgetRollouts != null) {
    const sum = await db.step.aggregate({ where: { runId, status: "done" }, _sum: { numRollouts: true } });
    rollouts = sum._sum.numRollouts ?? 0;
  }
  return isBudgetReached(config, { steps: stepsDone, rollouts });
}

/** Removes planned steps that never started once the budget ended the run, and records the real step count. */
export async function releaseUnstartedSteps({ db, runId, stepsDone }: { db: Db; runId: string; stepsDone: number }) {
  await db.step.deleteMany({ where: { runId, status: "pending", index: { gte: stepsDone } } });
  await db.run.update({ where: { id: runId }, data: { totalSteps: stepsDone } });
}
