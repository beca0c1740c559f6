// The task list on a real database: text search over ids and user text, natural id order, sorting by the latest
// r̄ / φ of a chosen run, and the run's columns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { disconnectDb } from "../db";
import { AppError } from "../errors";
import type { JobSender } from "../jobs/contract";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { createRun } from "./runs-service";
import { listTasks } from "./tasks-service";

const db = testDb();
const noJobs: JobSender = { send: async () => {} };
let runId = "";
let synId = "";

describe("tasks service: search, sort, natural order", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const run = await createRun({ db, jobs: noJobs, name: "findability", config: { limitSeeds: 40, k: 4, batchSize: 20 } });
    runId = run.id;
    const seed = await db.task.findFirstOrThrow({ where: { externalId: "multi_turn_base_2" } });
    const { id: _id, createdAt: _c, updatedAt: _u, parentId: _p, scenarioIndex: _s, ...copy } = seed;
    const syn = await db.task.create({
      data: {
        ...copy,
        turns: [[{ role: "user", content: "Please reserve a zebracorn-themed table" }]],
        initialConfig: seed.initialConfig ?? {},
        groundTruth: seed.groundTruth ?? [],
        missedFunctions: seed.missedFunctions ?? {},
        structure: seed.structure ?? undefined,
        externalId: "multi_turn_base_2~syn-cmattempt000000abc123",
        origin: "synthesized",
        parentId: seed.id,
        contentHash: "synthetic-for-test",
      },
    });
    synId = syn.id;
    // Latest stats per task in the run: two pool tasks with known r̄ / φ, the older step must be ignored.
    const pool = await db.poolEntry.findMany({ where: { runId }, select: { taskId: true }, orderBy: { taskId: "asc" }, take: 2 });
    const [a, b] = pool.map((p) => p.taskId);
    const stat = (taskId: string, stepIndex: number, mean: number, phi: number) => ({ runId, taskId, stepIndex, mean, phi, variance: 0, rewards: [], region: "boundary" as const });
    await db.taskStepStat.createMany({ data: [stat(a!, 0, 0.9, 0.1), stat(a!, 1, 0.25, 0.2), stat(b!, 1, 0.75, 0.05)] });
  });
  afterAll(() => disconnectDb());

  it("finds tasks by id and by words of the user text, case-insensitively, with wildcards taken literally", async () => {
    const byId = await listTasks({ db, filter: { search: "BASE_28" }, page: 1, pageSize: 50 });
    expect(byId.items.map((t) => t.externalId)).toEqual(["multi_turn_base_28"]);
    const byText = await listTasks({ db, filter: { search: "ZEBRACORN" }, page: 1, pageSize: 50 });
    expect(byText.items.map((t) => t.id)).toEqual([synId]);
    expect(byText.items[0]!.shortName).toBe("multi_turn_base_2~abc123");
    const wildcard = await listTasks({ db, filter: { search: "%" }, page: 1, pageSize: 50 });
    const literalPercent = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Task" WHERE "externalId" LIKE '%\\%%' OR turns::text LIKE '%\\%%'`;
    expect(wildcard.total).toBe(Number(literalPercent[0]!.n));
    expect(wildcard.total).toBeLessThan(800);
  });

  it("refuses a NUL character and over-long search text with a clear error", async () => {
    await expect(listTasks({ db, filter: { search: "a\u0000b" }, page: 1, pageSize: 50 })).rejects.toThrow(AppError);
    await expect(listTasks({ db, filter: { search: "x".repeat(201) }, page: 1, pageSize: 50 })).rejects.toThrow(/at most 200/);
  });

  it("orders ids naturally (base_2 before base_28) and puts a synthesized task right after its seed", async () => {
    const list = await listTasks({ db, filter: { category: "base" }, page: 1, pageSize: 40 });
    const ids = list.items.map((t) => t.externalId);
    expect(ids.slice(0, 4)).toEqual(["multi_turn_base_0", "multi_turn_base_1", "multi_turn_base_2", "multi_turn_base_2~syn-cmattempt000000abc123"]);
    expect(ids.indexOf("multi_turn_base_3")).toBeLessThan(ids.indexOf("multi_turn_base_28"));
    const reversed = await listTasks({ db, filter: { category: "base" }, page: 1, pageSize: 2, dir: "desc" });
    expect(reversed.items.map((t) => t.externalId)).toEqual(["multi_turn_base_199", "multi_turn_base_198"]);
  });

  it("sorts by creation time, newest first", async () => {
    const list = await listTasks({ db, filter: {}, page: 1, pageSize: 1, sort: "created", dir: "desc" });
    expect(list.items[0]!.id).toBe(synId);
  });

  it("with a run chosen: lists its pool with pool state and the latest r̄ / φ, sortable by both", async () => {
    const byMean = await listTasks({ db, filter: {}, page: 1, pageSize: 50, runId, sort: "mean", dir: "desc" });
    expect(byMean.total).toBe(await db.poolEntry.count({ where: { runId } }));
    expect(byMean.items.slice(0, 2).map((t) => t.lastMean)).toEqual([0.75, 0.25]);
    expect(byMean.items[0]!.poolState).toBeTruthy();
    expect(byMean.items[2]!.lastMean).toBeNull();
    const byPhi = await listTasks({ db, filter: {}, page: 1, pageSize: 50, runId, sort: "phi", dir: "desc" });
    expect(byPhi.items.slice(0, 2).map((t) => t.lastPhi)).toEqual([0.2, 0.05]);
  });

  it("refuses sorting by r̄ without a run, and an unknown run", async () => {
    await expect(listTasks({ db, filter: {}, page: 1, pageSize: 50, sort: "mean" })).rejects.toThrow(/choose a run/);
    await expect(listTasks({ db, filter: {}, page: 1, pageSize: 50, runId: "nope" })).rejects.toThrow(/No run with id/);
  });
});
