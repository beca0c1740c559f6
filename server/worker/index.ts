// The worker process: runs jobs from the Postgres queue. Many may share one database.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { disconnectDb, getDb } from "../db";
import { parseEnv } from "../env";
import { startQueue } from "../jobs/queue";
import { expireIdleSessions } from "../services/env-session-service";
import { recordHeartbeat, removeHeartbeat } from "../services/worker-service";
import { registerHandlers } from "./handlers";
import { startPeriodic } from "./periodic";

// A promise nobody awaited that fails (a job's side task when the database restarts, a closed socket) is logged,
// never fatal: jobs are retried by the queue, and a dead worker would stop every run.
process.on("unhandledRejection", (reason) => {
  console.error("[worker] unhandled rejection (kept running):", reason instanceof Error ? reason.message : reason);
});

const env = parseEnv();
if (!env.DATABASE_URL) {
  console.error("The worker needs DATABASE_URL (npm start provides it; or point it at your Postgres).");
  process.exit(2);
}

const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const db = getDb();
const boss = await startQueue({ url: env.DATABASE_URL, isWorker: true });
const heartbeat = startPeriodic({ name: "heartbeat", intervalMs: 5_000, run: () => recordHeartbeat({ db, workerId }) });
const sessionCleanup = startPeriodic({ name: "env-sessions", intervalMs: 60_000, run: async () => void (await expireIdleSessions({ db })) });
const handlers = await registerHandlers(boss, { concurrency: env.RODS_WORKER_CONCURRENCY, workerId });
console.log(`[worker] ${workerId} ready`);

let isStopping = false;
async function shutdown(signal: string) {
  if (isStopping) return;
  isStopping = true;
  console.log(`[worker] ${signal}: stopping`);
  // Order: periodic runners, the rollout groups in hand and the queue (letting active jobs finish briefly), then the database.
  await heartbeat.stop();
  await sessionCleanup.stop();
  await handlers.groups.stop({ timeoutMs: 10_000 });
  await boss.stop({ graceful: true, timeout: 10_000, wait: true }).catch(() => {});
  await removeHeartbeat({ db, workerId }).catch(() => {});
  await disconnectDb();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
