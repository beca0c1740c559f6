"use client";
// Steps planned against done, and why the plan moved: the total is the plan made at creation until an epoch's pool
// (injection, retirement) changes an epoch's steps; each such change is listed next to the total.
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import styles from "../runs.module.css";

export type StepPlan = inferRouterOutputs<AppRouter>["runs"]["stepPlan"];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Planned at start: 30 steps (3 epochs × 10)." and each change; or the budget that caps the plan. */
export function StepPlanNote({ plan }: { plan: StepPlan }) {
  if (plan.changes.length === 0 && plan.budgetCap === null) return null;
  const firstEpoch = plan.stepsByEpoch[0];
  return (
    <div className={styles.small} data-testid="step-plan" role="note" aria-label="Step plan">
      <span>
        {plan.changes.length === 0
          ? `The budget caps the run at ${plural(plan.budgetCap ?? plan.total, "step")}.`
          : `Planned at start: ${plural(plan.initialTotal, "step")}${firstEpoch !== undefined ? ` (${plural(plan.epochs, "epoch")} × ${firstEpoch})` : ""}${plan.budgetCap !== null ? `; the budget caps it at ${plan.budgetCap}` : ""}.`}
      </span>
      {plan.changes.length ? (
        <ul className={styles.planChanges} data-testid="plan-changes">
          {plan.changes.map((c) => (
            <li key={`${c.epoch}:${c.totalAfter}`}>{c.text.charAt(0).toUpperCase() + c.text.slice(1)}.</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
