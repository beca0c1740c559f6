// Deleting a run: what it would take with it (for the confirmation), and the delete itself. Everything a run owns
// cascades from Run in the schema; synthesized tasks are kept: they are Tasks of the dataset with lineage (other
// runs, reviews and exports may use them), and only their link to this run's attempts goes.
import type { Db } from "../db";
import { AppError } from "../errors";
import { assertCanManageRun } from "./run-access";

const ACTIVE_STATUSES = ["queued", "running", "paused"] as const;

const missing = (id: string) => new AppError("NOT_FOUND", `No run with id "${id}". It may have been deleted; go back to the runs list.`);

/** Counts of what deleting the run removes (steps, rollouts, pool entries, evaluations) and keeps (synthesized tasks). */
export async function getRunDeleteImpact({ db, id }: { db: Db; id: string }) {
  const run = await db.run.findUnique({ where: { id }, select: { id: true, name: true, status: true, createdById: true } });
  if (!run) throw missing(id);
  const [steps, rollouts, poolEntries, evaluations, synthesisAttempts, synthesizedTasks] = await Promise.all([
    db.step.count({ where: { runId: id } }),
    db.rollout.count({ where: { runId: id } }),
    db.poolEntry.count({ where: { runId: id } }),
    db.evaluation.count({ where: { runId: id } }),
    db.synthesisAttempt.count({ where: { runId: id } }),
    db.synthesisAttempt.count({ where: { runId: id, childTaskId: { not: null } } }),
  ]);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    isActive: (ACTIVE_STATUSES as readonly string[]).includes(run.status),
    createdById: run.createdById,
    deletes: { steps, rollouts, poolEntries, evaluations, synthesisAttempts },
    keeps: { synthesizedTasks },
  };
}

/** Deletes a finished, failed or cancelled run with everything it owns; only its owner or an admin may. */
export async function deleteRun({ db, id, actor }: { db: Db; id: string; actor?: { id: string; role: string } }) {
  const impact = await getRunDeleteImpact({ db, id });
  await assertCanManageRun({ db, id, actor, action: "delete" });
  // The status is checked in the delete itself so a run resumed meanwhile is not deleted under the worker.
  const deleted = await db.run.deleteMany({ where: { id, status: { notIn: [...ACTIVE_STATUSES] } } });
  if (deleted.count === 0) {
    const now = await db.run.findUnique({ where: { id }, select: { status: true } });
    if (!now) throw missing(id);
    throw new AppError("CONFLICT", `Cannot delete a run that is ${now.status}: cancel it first, then delete it.`);
  }
  return impact;
}
