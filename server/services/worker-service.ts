// Worker liveness, as seen through the shared database (workers may run on other machines).
import os from "node:os";
import type { Db } from "../db";

export async function recordHeartbeat({ db, workerId }: { db: Db; workerId: string }): Promise<void> {
  await db.workerHeartbeat.upsert({
    where: { id: workerId },
    create: { id: workerId, hostname: os.hostname(), pid: process.pid },
    update: { lastSeenAt: new Date() },
  });
}

export async function removeHeartbeat({ db, workerId }: { db: Db; workerId: string }): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { id: workerId } });
}

export async function countLiveWorkers({ db, staleSeconds }: { db: Db; staleSeconds: number }): Promise<number> {
  return db.workerHeartbeat.count({ where: { lastSeenAt: { gte: new Date(Date.now() - staleSeconds * 1000) } } });
}
