// A trainer in a separate process, written in Python with the standard-library client, plays a trainer-driven run
// of two epochs over HTTP only: it creates the run, claims work, rolls out through run-bound sessions and by
// submitting calls (alternating per claim), and evaluates when told. RODS scores, aggregates and moves the pool.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../../db";
import { startQueue } from "../../jobs/queue";
import { createApiKey, createUser } from "../../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { registerHandlers } from "../../worker/handlers";
import { resetData, testDb } from "../../../test/db";
import { expectCompleteGroups } from "../../../test/run-helpers";
import { startApiServer, type ApiServer } from "../../../test/api-server";

const run = promisify(execFile);
const db = testDb();
let server: ApiServer;
let boss: PgBoss;
let key = "";
const example = path.join(process.cwd(), "clients", "python", "examples", "trainer_driven.py");

describe("a Python trainer plays a trainer-driven run over HTTP", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "py@example.org", name: "Py", password: "py's password" });
    key = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer", "runs:write"] })).key;
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await server?.stop();
    await boss?.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("runs two epochs end to end with evaluation before, between and after", async () => {
    const settings = { epochs: 2, k: 4, batchSize: 6, limitSeeds: 12, evalLimit: 8, evalEveryEpochs: 1, seedQuotaPerCategory: 2, cooldownSteps: 0, seed: 5 };
    const { stdout } = await run("python3", [example, "--url", server.url, "--key", key, "--create", JSON.stringify(settings), "--transport", "mixed"], { timeout: 240_000 });
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    const runId = lines[0]!.created as string;
    const summary = lines.at(-1)!;

    const finished = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, currentEpoch: true, config: true } });
    expect(finished).toMatchObject({ status: "completed", currentEpoch: 2, config: { rollouts: "trainer", k: 4 } });
    await expectCompleteGroups(db, runId, 4);
    const steps = await db.step.findMany({ where: { runId }, select: { index: true, epoch: true, taskIds: true, meanReward: true }, orderBy: { index: "asc" } });
    expect(summary.train).toBe(steps.length);
    expect(summary.eval).toBe(3);
    expect(summary.rollouts).toBe(steps.reduce((n, s) => n + s.taskIds.length * 4, 0) + 3 * 8);
    // The rewards the trainer got are the ones RODS stored and aggregated.
    for (const s of steps) expect(summary.meanReward[`train:${s.index}`]).toBeCloseTo(s.meanReward!, 3);
    const evaluations = await db.evaluation.findMany({ where: { runId, category: "overall" }, select: { stepIndex: true, n: true, progress: true }, orderBy: { stepIndex: "asc" } });
    expect(evaluations.map((e) => e.stepIndex)).toEqual([0, steps.find((s) => s.epoch === 1)!.index, steps.length]);
    for (const e of evaluations) expect(e.progress).toBeCloseTo(summary.meanReward[`eval:${e.stepIndex}`], 3);
    // Trajectories are stored for the monitor, from sessions and from submitted calls alike.
    const sample = await db.rollout.findFirstOrThrow({ where: { runId, reward: 1 }, select: { messages: true, turnResults: true } });
    expect((sample.messages as { role: string }[]).some((m) => m.role === "tool")).toBe(true);
  });
});
