// The seed import as a real pg-boss job: enqueued like `npm start` does, worked by the worker's handlers.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { resetData, testDb } from "../../test/db";
import { JOBS } from "../jobs/contract";
import { enqueue, startQueue } from "../jobs/queue";
import { SHIPPED_BFCL_DIR, createImportRun } from "../services/import-service";
import { registerHandlers } from "./handlers";

const db = testDb();
let boss: PgBoss;

describe("import job", () => {
  beforeAll(async () => {
    await resetData(db);
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 1 });
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("imports the seeds with progress recorded, and rejects a malformed payload on enqueue", async () => {
    const run = await createImportRun({ db, source: "data/bfcl" });
    await enqueue(boss, JOBS.importTasks, { importRunId: run.id, dir: SHIPPED_BFCL_DIR, datasetName: "job-import", origin: "seed" });
    await expect.poll(async () => (await db.importRun.findUniqueOrThrow({ where: { id: run.id } })).status, { timeout: 60_000, interval: 250 }).toBe("completed");
    const done = await db.importRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ total: 800, done: 800, created: 800, error: null });
    expect(await db.task.count({ where: { dataset: { name: "job-import" } } })).toBe(800);
    await expect(enqueue(boss, JOBS.importTasks, { importRunId: "", dir: "x", datasetName: "y", origin: "seed" })).rejects.toThrow(/importRunId/);
  });
});
