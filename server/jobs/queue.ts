// pg-boss in its own schema, shared by web (enqueue only) and worker (enqueue and work).
import PgBoss from "pg-boss";
import type { z } from "zod";
import { JOB_PAYLOADS, type JobName } from "./contract";

export const QUEUE_SCHEMA = "pgboss";

export async function startQueue({ url, isWorker }: { url: string; isWorker: boolean }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    max: 4,
    // Only workers run maintenance; web processes just send.
    supervise: isWorker,
    schedule: false,
  });
  boss.on("error", (error) => console.error("[queue]", error.message));
  await boss.start();
  for (const name of Object.keys(JOB_PAYLOADS)) await boss.createQueue(name);
  return boss;
}

export async function enqueue<N extends JobName>(
  boss: PgBoss,
  name: N,
  payload: z.input<(typeof JOB_PAYLOADS)[N]>,
  options: PgBoss.SendOptions = {},
): Promise<string | null> {
  const data = JOB_PAYLOADS[name].parse(payload);
  return boss.send(name, data, { retryLimit: 3, retryDelay: 5, retryBackoff: true, ...options });
}
