// The web process's queue connection: send-only pg-boss, started on first use and cached on globalThis (one per
// process, also across dev reloads). The web never works jobs and never supervises; the worker does both.
import type PgBoss from "pg-boss";
import { parseEnv } from "../env";
import type { JobSender } from "./contract";
import { jobSender, startQueue } from "./queue";

const globalForQueue = globalThis as unknown as { rodsWebQueue?: Promise<PgBoss> };

function startWebQueue(): Promise<PgBoss> {
  const url = parseEnv().DATABASE_URL;
  if (!url) return Promise.reject(new Error("DATABASE_URL is not set: start RODS with `npm start`, which provides a database."));
  return startQueue({ url, isWorker: false });
}

/** A JobSender for request handlers; a failed start is forgotten so the next request tries again. */
export async function getWebJobSender(): Promise<JobSender> {
  if (!globalForQueue.rodsWebQueue) {
    const starting = startWebQueue();
    globalForQueue.rodsWebQueue = starting;
    starting.catch(() => {
      if (globalForQueue.rodsWebQueue === starting) globalForQueue.rodsWebQueue = undefined;
    });
  }
  return jobSender(await globalForQueue.rodsWebQueue);
}

/** For tests and orderly shutdown. */
export async function stopWebQueue(): Promise<void> {
  const starting = globalForQueue.rodsWebQueue;
  globalForQueue.rodsWebQueue = undefined;
  const boss = await starting?.catch(() => undefined);
  await boss?.stop({ graceful: true, wait: true });
}
