// pg-boss in its own schema, shared by web (enqueue only) and worker (enqueue and work).
import pg from "pg";
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
  queueUrls.set(boss, url);
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
const localWakers = new WeakMap<PgBoss, Map<string, (() => void)[]>>();
const queueUrls = new WeakMap<PgBoss, string>();

/** Registers what wakes this process's takers of `name` (a pg-boss worker, or the rollout-group hand). */
export function onJobQueued(boss: PgBoss, name: JobName, wake: () => void): void {
  const byName = localWakers.get(boss) ?? new Map<string, (() => void)[]>();
  byName.set(name, [...(byName.get(name) ?? []), wake]);
  localWakers.set(boss, byName);
}

function wakeLocal(boss: PgBoss, name: string): void {
  for (const wake of localWakers.get(boss)?.get(name) ?? []) wake();
}

export async function workLocally<N extends JobName>(
  boss: PgBoss,
  name: N,
  options: PgBoss.WorkOptions,
  handler: PgBoss.WorkHandler<unknown>,
): Promise<string> {
  const id = await boss.work(name, options, handler);
  onJobQueued(boss, name, () => boss.notifyWorker(id));
  return id;
}

// Rollout groups are also announced to the other worker processes through Postgres NOTIFY, so they fetch them at once
// rather than at their next poll. Sends while a NOTIFY is on its way share the next one (a step's groups: one or two).
const CHANNEL = "rods_job_queued";
const ANNOUNCED: ReadonlySet<string> = new Set([JOBS.rolloutGroup]);
const announcing = new WeakMap<PgBoss, { inFlight: boolean; pending: Set<string> }>();

function announce(boss: PgBoss, name: string): void {
  const state = announcing.get(boss) ?? { inFlight: false, pending: new Set<string>() };
  announcing.set(boss, state);
  state.pending.add(name);
  if (state.inFlight) return;
  state.inFlight = true;
  void (async () => {
    while (state.pending.size) {
      const names = [...state.pending];
      state.pending.clear();
      for (const n of names) await boss.getDb().executeSql("SELECT pg_notify($1, $2)", [CHANNEL, n]).catch(() => {}); // pollers still find it
    }
    state.inFlight = false;
  })();
}

/**
 * Listens for jobs other processes queue and wakes this process's takers; reconnects after a lost connection (the
 * takers' own polling covers the gap). Returns a stop function.
 */
export function listenForQueuedJobs(boss: PgBoss): () => Promise<void> {
  const url = queueUrls.get(boss);
  if (!url) throw new Error("listenForQueuedJobs needs a queue made by startQueue");
  let client: pg.Client | null = null;
  let isStopped = false;
  let retry: NodeJS.Timeout | undefined;
  const reconnectSoon = () => {
    clearTimeout(retry);
    if (!isStopped) retry = setTimeout(() => void connect(), 1_000);
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.payload) wakeLocal(boss, message.payload);
    });
    next.on("error", () => {
      if (client === next) client = null;
      void next.end().catch(() => {});
      reconnectSoon();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (isStopped) return void (await next.end());
      client = next;
    } catch {
      void next.end().catch(() => {});
      reconnectSoon();
    }
  };
  void connect();
  return async () => {
    isStopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
    client = null;
  };
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
      if (sendOptions.startAfter !== undefined) return;
      wakeLocal(boss, name);
      if (ANNOUNCED.has(name)) announce(boss, name);
    },
  };
}
