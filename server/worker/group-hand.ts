// The rollout groups this worker process holds: one fetch loop instead of many pg-boss pollers, so the process takes
// only what it can keep busy (server/rods/group-hand.ts) and leaves the rest of a step to the other workers. Each
// group is completed or failed on its own job record, with the id of the worker that ran it; a killed worker's
// groups expire and are retried elsewhere, and the retry skips the samples already stored.
import type PgBoss from "pg-boss";
import { JOBS, ZRolloutGroupPayload, type TRolloutGroupPayload } from "../jobs/contract";
import { listenForQueuedJobs, onJobQueued } from "../jobs/queue";
import { handRoom } from "../rods/group-hand";

/** Poll while the hand has room and no wake-up came (a lost NOTIFY, a retried job whose delay ran out). */
const POLL_MS = 500;

export interface GroupHand {
  /** Groups fetched and not finished, now. */
  held(): number;
  /** Stops fetching; waits up to `timeoutMs` for the groups in hand (the rest expire and are retried elsewhere). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export function startGroupHand({
  boss,
  workerId,
  capOf,
  run,
}: {
  boss: PgBoss;
  workerId: string;
  /** Groups worth holding for a run (looked up once per run, then cached by the caller). */
  capOf: (runId: string) => Promise<number>;
  run: (payload: TRolloutGroupPayload) => Promise<Record<string, unknown>>;
}): GroupHand {
  const name = JOBS.rolloutGroup;
  const held = new Map<string, string>(); // job id → run id
  const caps = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let isStopped = false;
  let isWoken = false;
  let resolveWait: (() => void) | null = null;

  const wake = () => {
    isWoken = true;
    resolveWait?.();
  };
  const waitForWake = (ms: number | null) =>
    new Promise<void>((resolve) => {
      if (isWoken || isStopped) return resolve();
      const timer = ms === null ? undefined : setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        resolveWait = null;
        resolve();
      };
      resolveWait = done;
    });

  const take = (job: PgBoss.Job<unknown>) => {
    const parsed = ZRolloutGroupPayload.safeParse(job.data);
    if (!parsed.success) return void boss.fail(name, job.id, { message: parsed.error.message }).catch(() => {});
    held.set(job.id, parsed.data.runId);
    const expireMs = (job.expireInSeconds || 900) * 1000;
    let timer: NodeJS.Timeout | undefined;
    // Past its expiry the queue gives the group to another worker anyway: fail it here too, as pg-boss's work() does.
    const expiry = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`rollout group ran past its expiry (${expireMs / 1000} s)`)), expireMs)));
    const done: Promise<void> = Promise.race([run(parsed.data), expiry])
      .then(
        (result) => boss.complete(name, job.id, { ...result, workerId }),
        (error: unknown) => boss.fail(name, job.id, { message: error instanceof Error ? error.message : String(error), workerId }),
      )
      .then(
        () => {},
        (error: unknown) => console.error(`[worker] recording rollout group ${job.id}:`, error instanceof Error ? error.message : error),
      )
      .finally(() => {
        clearTimeout(timer);
        held.delete(job.id);
        running.delete(done);
        wake();
      });
    running.add(done);
  };

  const loop = async () => {
    while (!isStopped) {
      isWoken = false;
      const room = handRoom({ heldRunIds: [...held.values()], capOf: (runId) => caps.get(runId) ?? 1 });
      if (room === 0) {
        await waitForWake(null); // a group finishing makes room
        continue;
      }
      // Jobs fetched while stopping are still run: stop() waits for what is in hand.
      const jobs = await boss.fetch<unknown>(name, { batchSize: room }).catch(() => [] as PgBoss.Job<unknown>[]);
      for (const job of jobs) take(job);
      for (const runId of new Set(held.values())) {
        if (!caps.has(runId)) caps.set(runId, await capOf(runId).catch(() => 1));
      }
      for (const runId of caps.keys()) if (![...held.values()].includes(runId)) caps.delete(runId);
      if (jobs.length === 0) await waitForWake(POLL_MS);
    }
  };

  onJobQueued(boss, name, wake);
  const stopListening = listenForQueuedJobs(boss);
  const looping = loop().catch((error: unknown) => console.error("[worker] rollout-group loop stopped:", error instanceof Error ? error.message : error));
  // Tests stop pg-boss directly: the hand stops with it.
  const stopWithBoss = () => void hand.stop({ timeoutMs: 0 });
  boss.on("stopped", stopWithBoss);

  const hand: GroupHand = {
    held: () => held.size,
    async stop({ timeoutMs = 10_000 } = {}) {
      if (isStopped) return;
      isStopped = true;
      boss.off("stopped", stopWithBoss);
      wake();
      await looping;
      await stopListening();
      if (running.size && timeoutMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
      }
    },
  };
  return hand;
}
