// Manual review gates the run: at an epoch boundary where synthesized tasks of the run still await a decision (or
// are still being synthesized: they will need one), the run waits ("waiting for review: N tasks") instead of
// quietly training on seeds only, until they are decided or a user chooses to go on without them for this epoch
// (those stay staged and are considered again at the next boundary). The driver asks `holdForReview` before it closes an epoch; nothing else here touches the loop.
import type { Db } from "../db";
import { AppError } from "../errors";
import { JOBS, type JobSender } from "../jobs/contract";
import { modeFlags, type TRunConfig } from "../rods/config";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, type Freshness } from "./monitor/run-aggregate";

const WAITING_PREFIX = "Waiting for review:";

function pendingWhere(runId: string) {
  return { runId, state: "staged" as const, isSeed: false, task: { reviewState: "pending" as const } };
}

export function waitingReason(pending: number, synthesizing: number, epoch: number): string {
  const making = synthesizing ? ` (${synthesizing} more still being synthesized)` : "";
  return `${WAITING_PREFIX} ${pending} synthesized task${pending === 1 ? "" : "s"} of this run await${pending === 1 ? "s" : ""} a decision${making} before epoch ${epoch + 1} closes. Approve or reject them in the review queue, or go on without them.`;
}

/**
 * True when the run must wait at this epoch boundary (and says why on the run); false when it may close the epoch
 * (and clears a waiting note it left before).
 */
export async function holdForReview({ db, runId, config, epoch }: { db: Db; runId: string; config: TRunConfig; epoch: number }): Promise<boolean> {
  // After the last epoch nothing is injected any more, so there is nothing to wait for.
  if (config.reviewPolicy !== "manual" || !modeFlags(config.mode).synthesizes || epoch + 1 >= config.epochs) return false;
  const [pending, synthesizing, run] = await Promise.all([
    db.poolEntry.count({ where: pendingWhere(runId) }),
    db.synthesisAttempt.count({ where: { runId, outcome: "running" } }),
    db.run.findUnique({ where: { id: runId }, select: { reviewWaivedEpoch: true, statusReason: true } }),
  ]);
  const isWaived = run?.reviewWaivedEpoch !== null && run?.reviewWaivedEpoch !== undefined && run.reviewWaivedEpoch >= epoch;
  if ((pending === 0 && synthesizing === 0) || isWaived) {
    if (run?.statusReason?.startsWith(WAITING_PREFIX)) await db.run.updateMany({ where: { id: runId, statusReason: run.statusReason }, data: { statusReason: null } });
    return false;
  }
  const reason = waitingReason(pending, synthesizing, epoch);
  if (run?.statusReason !== reason) await db.run.updateMany({ where: { id: runId, status: "running" }, data: { statusReason: reason } });
  return true;
}

/** What the monitor shows: is the run held for review, how many tasks, at which epoch. */
export async function getReviewGate({ db, runId }: { db: Db; runId: string }) {
  // The pending count as the run's aggregate keeps it (rewritten when a child is staged or reviewed, and when an
  // epoch closes): polled by every open monitor, it reads no PoolEntry.
  const [run] = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { status: string; statusReason: string | null; reviewPolicy: string | null; pending: number | null })[]>`
      SELECT ${FRESHNESS_COLUMNS}, r.status::text AS status, r."statusReason", r.config->>'reviewPolicy' AS "reviewPolicy",
        (a.pool->>'pendingReview')::int AS pending
      FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
  const isManual = run.reviewPolicy === "manual";
  const pending = isManual ? (run.pending ?? 0) : 0;
  return {
    isManual,
    isWaiting: run.status === "running" && (run.statusReason ?? "").startsWith(WAITING_PREFIX),
    pending,
    epoch: run.currentEpoch,
    isFinished: ["completed", "failed", "cancelled"].includes(run.status),
  };
}

/** "Go on without them": the run closes this epoch with the tasks still pending left staged. */
export async function continueWithoutReview({ db, jobs, runId }: { db: Db; jobs: JobSender; runId: string }) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, currentEpoch: true } });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
  if (run.status !== "running") throw new AppError("CONFLICT", `The run is ${run.status}; only a running run waits for review.`);
  await db.run.update({ where: { id: runId }, data: { reviewWaivedEpoch: run.currentEpoch } });
  await jobs.send(JOBS.runAdvance, { runId }, { singletonKey: runId });
  return getReviewGate({ db, runId });
}
