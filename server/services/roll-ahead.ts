// Rolling steps ahead: while the last groups of a step finish, the next steps' groups are already queued, so the
// policy server never waits on a step boundary. Allowed only where the method allows it: the next steps' tasks are
// fixed at epoch planning, and their rollouts must not need this step's outcome. The simulated learner is updated
// by RODS after every step, so its next step must wait; an external policy is updated by its trainer (whose lag
// rule the caller checks per step). A trainer-driven run's steps are claimed by the trainer, never queued here.
// Two steps ahead, not one: groups of one step often finish before those of the step before it, and with only one
// step queued the server then idles until the older step has finished.
import type { Db } from "../db";
import type { TRunConfig } from "../rods/config";

/** Steps that may be rolling beyond the oldest unfinished one. */
export const ROLL_AHEAD_STEPS = 2;

export function canRollAhead(config: TRunConfig, nextStepIndex: number): boolean {
  if (config.policy.kind === "simulated" || config.rollouts === "trainer") return false;
  // Never past a training budget: a rollout budget is only known step by step, a step budget up front.
  if (config.budgetRollouts != null) return false;
  return config.budgetSteps == null || nextStepIndex < config.budgetSteps;
}

/**
 * Marks the pending steps among the ROLL_AHEAD_STEPS after `stepIndex` (of `epochSteps`, the steps of its epoch) as
 * rolling, in order, while `allows` agrees; returns those this call marked, so exactly one caller sends each one's
 * groups.
 */
export async function claimStepsAhead<S extends { index: number; status: string }>({
  db,
  runId,
  config,
  stepIndex,
  epochSteps,
  allows,
}: {
  db: Db;
  runId: string;
  config: TRunConfig;
  stepIndex: number;
  epochSteps: readonly S[];
  allows: (stepIndex: number) => Promise<boolean>;
}): Promise<S[]> {
  const claimed: S[] = [];
  for (const next of epochSteps) {
    if (next.index <= stepIndex || next.index > stepIndex + ROLL_AHEAD_STEPS) continue;
    // Already rolling: claimed earlier, maybe by another worker (the status read by the caller may be stale;
    // the conditional update below decides).
    if (next.status !== "pending") continue;
    if (!canRollAhead(config, next.index) || !(await allows(next.index))) break;
    const marked = await db.step.updateMany({ where: { runId, index: next.index, status: "pending" }, data: { status: "rolling", rollingSince: new Date() } });
    if (marked.count === 1) claimed.push(next);
  }
  return claimed;
}
