// The epoch boundary waits for the synthesis of its epoch: with fast hand-offs between steps, an epoch can end
// before the synthesis jobs its last steps started have run, and what gets injected would then depend on job timing
// (no_refresh, whose one round is epoch 0's, would inject nothing). A bounded wait: an attempt whose job died never
// finishes, so after SYNTHESIS_WAIT_SECONDS the epoch closes with what is staged.
import type { Db } from "../db";

const SYNTHESIS_WAIT_SECONDS = 60;

/** True while synthesis attempts of this epoch's steps are still running (and the last step ended recently). */
export async function isEpochWaitingForSynthesis({ db, runId, stepIndexes, lastFinishedAt }: { db: Db; runId: string; stepIndexes: number[]; lastFinishedAt: Date | null }): Promise<boolean> {
  if (stepIndexes.length === 0) return false;
  if (lastFinishedAt && Date.now() - lastFinishedAt.getTime() > SYNTHESIS_WAIT_SECONDS * 1000) return false;
  const running = await db.synthesisAttempt.count({ where: { runId, stepIndex: { in: stepIndexes }, outcome: "running" } });
  return running > 0;
}
