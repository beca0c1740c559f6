// Hands a run to its next move inside this worker, without a trip through the queue: the job that stores a step's
// last group (or the held-out evaluation a run waits for) ticks the run at once, as often as the tick advances.
// Per run and process one drive at a time; a request during a drive makes it go round once more. The queue's own
// run-advance chain (a tick a second) still covers crashes and work done on other machines.
import { getDb } from "../db";
import type { JobSender } from "../jobs/contract";
import { withUnmeteredShare } from "../services/job-meter";
import { tickRun, type TickOutcome } from "../services/run-driver";

/** Moves in a row before handing back to the queue (a run has a handful per step). */
const MAX_MOVES = 32;

const driving = new Map<string, { again: boolean }>();

/** Ticks `runId` until it waits; returns the last outcome, or null when a drive was already running here. */
export async function driveRun({ jobs, runId }: { jobs: JobSender; runId: string }): Promise<TickOutcome | null> {
  const current = driving.get(runId);
  if (current) {
    current.again = true;
    return null;
  }
  const state = { again: false };
  driving.set(runId, state);
  try {
    let outcome: TickOutcome = "idle";
    for (let moves = 0; moves < MAX_MOVES; moves++) {
      state.again = false;
      // A tick (aggregation, the learner's update) takes its share of the CPU, so jobs running beside it are not charged for it.
      outcome = await withUnmeteredShare(() => tickRun({ db: getDb(), jobs, runId }));
      if (outcome === "completed" || outcome === "idle" || (outcome === "waiting" && !state.again)) break;
    }
    return outcome;
  } finally {
    driving.delete(runId);
  }
}

/** Fire and forget from a job handler: a failed tick is logged, and the queue's chain ticks the run again. */
export function nudgeRun({ jobs, runId }: { jobs: JobSender; runId: string }): void {
  driveRun({ jobs, runId }).catch((error: unknown) => console.error(`[worker] tick of run ${runId}:`, error instanceof Error ? error.message : error));
}
