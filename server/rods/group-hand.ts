// How many rollout groups one worker process holds at once (fetched from the queue and not finished). Enough to
// fill the policy's concurrency C, plus a small reserve so a fast policy never waits on a queue fetch; the rest stay
// queued for the other worker processes (each keeps its own C requests in flight per run).

/** Groups held beyond what fills C: one covers a group's tail, one the fetch of the next. */
export const GROUP_RESERVE = 2;
/** A policy computed on the worker's own CPU (the simulated learner) has no C: the hand it had before, per job slot. */
export const LOCAL_GROUPS_PER_SLOT = 8;

/**
 * Groups of one run worth holding. `policyConcurrency` is the requests the policy allows in flight per worker
 * (null for a local policy); a group is K conversations with one request in flight at a time.
 */
export function groupsToHold({ policyConcurrency, k, workerSlots }: { policyConcurrency: number | null; k: number; workerSlots: number }): number {
  if (policyConcurrency === null) return Math.max(1, workerSlots) * LOCAL_GROUPS_PER_SLOT;
  return Math.ceil(policyConcurrency / Math.max(1, k)) + GROUP_RESERVE;
}

/**
 * Groups to fetch now. An empty hand takes one (its run's cap is not known before); otherwise the caps of the runs
 * in hand add up, so a second run's group fits beside a full first one, and the hand never exceeds that sum.
 */
export function handRoom({ heldRunIds, capOf }: { heldRunIds: readonly string[]; capOf: (runId: string) => number }): number {
  if (heldRunIds.length === 0) return 1;
  let cap = 0;
  for (const runId of new Set(heldRunIds)) cap += capOf(runId);
  return Math.max(0, cap - heldRunIds.length);
}
