// Rolling the next step ahead: while the last groups of a step finish, the next step's groups are already queued,
// so the policy server never waits on a step boundary. Allowed only where the method allows it: the next step's
// tasks are fixed at epoch planning, and its rollouts must not need this step's outcome. The simulated learner is
// updated by RODS after every step, so its next step must wait; an external policy is updated by its trainer.
// A trainer-driven run's steps are claimed by the trainer, never queued here.
import type { Db } from "../db";
import type { TRunConfig } from "../rods/config";

export function canRollAhead(config: TRunConfig, nextStepIndex: number): boolean {
  if (config.policy.kind === "simulated" || config.rollouts === "trainer") return false;
  // Never past a training budget: a rollout budget is only known step by step, a step budget up front.
  if (config.budgetRollouts != null) return false;
  return config.budgetSteps == null || nextStepIndex < config.budgetSteps;
}

/**
 * Marks the step after `stepIndex` (same epoch, still pending) as rolling; true when this call did it, so exactly
 * one caller sends its groups.
 */
export async function claimNextStep({ db, runId, epoch, stepIndex }: { db: Db; runId: string; epoch: number; stepIndex: number }): Promise<{ index: number; taskIds: string[] } | null> {
  const next = await db.step.findFirst({ where: { runId, epoch, index: stepIndex + 1, status: "pending" }, select: { index: true, taskIds: true } });
  if (!next) return null;
  const claimed = await db.step.updateMany({ where: { runId, index: next.index, status: "pending" }, data: { status: "rolling", rollingSince: new Date() } });
  return claimed.count === 1 ? next : null;
}
