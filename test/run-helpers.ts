// Helpers for integration tests of the loop: wait for a run, and check its bookkeeping.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { disconnectDb, type Db } from "../server/db";
import { jobSender, startQueue } from "../server/jobs/queue";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../server/services/import-service";
import { registerHandlers } from "../server/worker/handlers";
import { resetData } from "./db";

export async function waitForRunStatus(db: Db, runId: string, statuses: string[], timeoutMs: number): Promise<string> {
  let status = "";
  await expect
    .poll(
      async () => {
        status = (await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } })).status;
        return statuses.includes(status);
      },
      { timeout: timeoutMs, interval: 250 },
    )
    .toBe(true);
  return status;
}

/** Every finished step has exactly K rollouts for each of its tasks (none missing, none twice). */
export async function expectCompleteGroups(db: Db, runId: string, k: number) {
  const steps = await db.step.findMany({ where: { runId }, select: { index: true, taskIds: true, status: true, numRollouts: true } });
  expect(steps.length).toBeGreaterThan(0);
  const groups = await db.rollout.groupBy({ by: ["stepIndex", "taskId"], where: { runId }, _count: { _all: true } });
  const count = new Map(groups.map((g) => [`${g.stepIndex}:${g.taskId}`, g._count._all]));
  for (const step of steps) {
    expect(step.status).toBe("done");
    expect(step.numRollouts).toBe(step.taskIds.length * k);
    for (const taskId of step.taskIds) expect(count.get(`${step.index}:${taskId}`)).toBe(k);
  }
  const total = await db.rollout.count({ where: { runId } });
  expect(total).toBe(steps.reduce((n, s) => n + s.taskIds.length * k, 0));
}

/**
 * The loop's int-test harness: an empty database with the shipped BFCL seeds, and a worker (the real queue and
 * handlers) in this process, stopped after the file. Call inside a describe; `jobs()` sends as the web does.
 */
export function useLoopWorker(db: Db, { concurrency = 2 }: { concurrency?: number } = {}) {
  let boss: PgBoss | undefined;
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency });
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await disconnectDb();
  });
  return {
    jobs: () => {
      if (!boss) throw new Error("the loop worker has not started (useLoopWorker's beforeAll)");
      return jobSender(boss);
    },
  };
}
