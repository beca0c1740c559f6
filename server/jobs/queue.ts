// pg-boss in its own schema, shared by web (enqueue only) and worker (enqueue and work).
import PgBoss from "pg-boss";
import { JOB_PAYLOADS, JOBS, type JobName, type JobPayload, type JobSender } from "./contract";

export const QUEUE_SCHEMA = "pgboss";

/** run-advance is "stately": per run at most one queued and one active tick, so drivers never pile up. */
// evaluate too, per run and step: a run waiting for its final evaluation asks for it at every tick, and several
// workers must not run the same evaluation side by side (queues created earlier keep their first policy).
const QUEUE_POLICIES: Partial<Record<JobName, PgBoss.QueuePolicy>> = { [JOBS.runAdvance]: "stately", [JOBS.evaluate]: "stately" };
const QUEUE_EXPIRY_SECONDS: Partial<Record<JobName, number>> = { [JOBS.runAdvance]: 120, [JOBS.synthesize]: 600 };

export async function startQueue({ url, isWorker, maintenanceSeconds = 15 }: { url: string; isWorker: boolean; maintenanceSeconds?: number }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    max: 4,
    // Only workers supervise (expire jobs of killed workers so they are retried); web processes just send.
    supervise: isWorker,
    maintenanceIntervalSeconds: maintenanceSeconds,
    schedule: false,
  });
  boss.on("error", (error) => console.error("[queue]", error.message));
  await boss.start();
  for (const name of Object.keys(JOB_PAYLOADS) as JobName[]) {
    const policy = QUEUE_POLICIES[name] ?? "standard";
    // A job of a killed worker is retried once it expires: short for the driver's ticks, which take moments.
    await boss.createQueue(name, { name, policy, ...(QUEUE_EXPIRY_SECONDS[name] ? { expireInSeconds: QUEUE_EXPIRY_SECONDS[name] } : {}) });
  }
  return boss;
}

export async function enqueue<N extends JobName>(boss: PgBoss, name: N, payload: JobPayload<N>, options: PgBoss.SendOptions = {}): Promise<string | null> {
  const data = JOB_PAYLOADS[name].parse(payload);
  return boss.send(name, data, { retryLimit: 5, retryDelay: 2, retryBackoff: true, ...options });
}

// Workers of this process per queue: a job sent from here wakes them at once instead of at their next poll.
const localWorkers = new WeakMap<PgBoss, Map<string, string[]>>();

export async function workLocally<N extends JobName>(
  boss: PgBoss,
  name: N,
  options: PgBoss.WorkOptions,
  handler: PgBoss.WorkHandler<unknown>,
): Promise<string> {
  const id = await boss.work(name, options, handler);
  const byName = localWorkers.get(boss) ?? new Map<string, string[]>();
  byName.set(name, [...(byName.get(name) ?? []), id]);
  localWorkers.set(boss, byName);
  return id;
}

export function jobSender(boss: PgBoss): JobSender {
  return {
    async send(name, payload, options = {}) {
      // pg-boss rejects keys that are present but undefined.
      const sendOptions: PgBoss.SendOptions = {};
      if (options.singletonKey !== undefined) sendOptions.singletonKey = options.singletonKey;
      if (options.startAfterSeconds !== undefined) sendOptions.startAfter = options.startAfterSeconds;
      if (options.expireInSeconds !== undefined) sendOptions.expireInSeconds = options.expireInSeconds;
      await enqueue(boss, name, payload, sendOptions);
      if (sendOptions.startAfter === undefined) for (const id of localWorkers.get(boss)?.get(name) ?? []) boss.notifyWorker(id);
    },
  };
}
