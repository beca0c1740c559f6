// Each mode's defining behaviour end to end on the real queue (static is in run-loop.int.test.ts), the training
// budget, and a study of two modes worked one run after another.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { jobSender, startQueue } from "../jobs/queue";
import { registerHandlers } from "../worker/handlers";
import { resetData, testDb } from "../../test/db";
import { expectCompleteGroups, waitForRunStatus } from "../../test/run-helpers";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { createRun } from "./runs-service";
import { createStudy, getStudy } from "./study-service";
import { createCaller } from "../api/root";

const db = testDb();
let boss: PgBoss;
const small = { epochs: 3, k: 4, batchSize: 20, limitSeeds: 40, evalLimit: 20, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 5, beta: 0.5 };
const runs: Record<string, string> = {};

async function finished(mode: string) {
  const runId = runs[mode]!;
  expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 400_000)).toBe("completed");
  await expect.poll(() => db.synthesisAttempt.count({ where: { runId, outcome: "running" } }), { timeout: 60_000 }).toBe(0);
  return runId;
}

describe("modes, budgets and studies", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
    // All modes at once: the worker interleaves them, which also shows runs do not disturb each other.
    for (const mode of ["random_seeds", "binary_reward", "no_retirement", "no_refresh", "no_rewrite", "rods"]) {
      runs[mode] = (await createRun({ db, jobs: jobSender(boss), config: { ...small, mode } })).id;
    }
  }, 120_000);
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await disconnectDb();
  }, 600_000);

  it("random_seeds synthesizes from seeds outside the boundary band too", async () => {
    const runId = await finished("random_seeds");
    const attempts = await db.synthesisAttempt.findMany({ where: { runId }, select: { seedTaskId: true, stepIndex: true } });
    expect(attempts.length).toBeGreaterThan(0);
    const regions = await Promise.all(
      attempts.map(async (a) => (await db.taskStepStat.findUnique({ where: { runId_stepIndex_taskId: { runId, stepIndex: a.stepIndex!, taskId: a.seedTaskId } }, select: { region: true } }))?.region),
    );
    expect(regions.some((r) => r !== "boundary")).toBe(true);
    // while rods picks from the band only
    const rodsId = await finished("rods");
    const rodsAttempts = await db.synthesisAttempt.findMany({ where: { runId: rodsId }, select: { seedTaskId: true, stepIndex: true } });
    for (const a of rodsAttempts) {
      const s = await db.taskStepStat.findUnique({ where: { runId_stepIndex_taskId: { runId: rodsId, stepIndex: a.stepIndex!, taskId: a.seedTaskId } }, select: { region: true } });
      expect(s?.region).toBe("boundary");
    }
  }, 600_000);

  it("binary_reward trains on rewards that are 0 or 1 only", async () => {
    const runId = await finished("binary_reward");
    const stats = await db.taskStepStat.findMany({ where: { runId }, select: { rewards: true } });
    expect(stats.length).toBeGreaterThan(0);
    for (const s of stats) for (const r of s.rewards) expect([0, 1]).toContain(r);
    // the progress reward of the same rollouts is stored beside it and does take partial values
    const partial = await db.rollout.count({ where: { runId, reward: { gt: 0, lt: 1 } } });
    expect(partial).toBeGreaterThan(0);
  }, 600_000);

  it("no_retirement injects synthesized tasks and retires none", async () => {
    const runId = await finished("no_retirement");
    expect(await db.poolEntry.count({ where: { runId, isSeed: false, state: "active" } })).toBeGreaterThan(0);
    expect(await db.poolEntry.count({ where: { runId, state: "retired" } })).toBe(0);
  }, 600_000);

  it("no_refresh synthesizes in the first epoch only, injects once, and changes nothing after epoch 1", async () => {
    const runId = await finished("no_refresh");
    const steps = await db.step.findMany({ where: { runId }, select: { index: true, epoch: true, taskIds: true }, orderBy: { index: "asc" } });
    const firstEpochSteps = steps.filter((s) => s.epoch === 0).map((s) => s.index);
    const attempts = await db.synthesisAttempt.findMany({ where: { runId }, select: { stepIndex: true } });
    expect(attempts.length).toBeGreaterThan(0);
    for (const a of attempts) expect(firstEpochSteps).toContain(a.stepIndex);
    const entered = await db.poolEntry.findMany({ where: { runId, isSeed: false, enteredEpoch: { not: null } }, select: { enteredEpoch: true } });
    expect(entered.length).toBeGreaterThan(0);
    for (const e of entered) expect(e.enteredEpoch).toBe(1);
    expect(await db.poolEntry.count({ where: { runId, state: "retired" } })).toBe(0);
    // the pool trained on in epochs 2 and 3 is the same set of tasks
    const poolOf = (epoch: number) => new Set(steps.filter((s) => s.epoch === epoch).flatMap((s) => s.taskIds));
    expect([...poolOf(2)].sort()).toEqual([...poolOf(1)].sort());
  }, 600_000);

  it("no_rewrite keeps the plan stage's per-turn text: no shared goal, no openers, no back references", async () => {
    const runId = await finished("no_rewrite");
    const children = await db.task.findMany({ where: { poolEntries: { some: { runId, isSeed: false } } }, select: { turns: true } });
    expect(children.length).toBeGreaterThan(0);
    const rodsId = await finished("rods");
    const rodsChildren = await db.task.findMany({ where: { poolEntries: { some: { runId: rodsId, isSeed: false } } }, select: { turns: true } });
    const firstText = (turns: unknown) => ((turns as { content: string }[][]).find((t) => t[0]?.content)?.[0]?.content ?? "");
    for (const c of children) {
      const texts = (c.turns as { content: string }[][]).map((t) => t[0]?.content ?? "").filter((t) => t && !t.startsWith("I have updated"));
      for (const t of texts) {
        // idle turns, and the augment stage's turn that supplies a left-out value (miss_param), are not plan text
        const isOther = /summary|recap/.test(t) || /^(The |Here it is: |Right, the )/.test(t);
        if (!isOther) expect(t).toMatch(/^Please /);
        expect(t).not.toMatch(/To start, please|With the result from before|Using what we got earlier|Building on the earlier result/);
      }
    }
    // the rewrite stage does write a conversation in rods: its first turns state a goal
    expect(rodsChildren.some((c) => /To start, please/.test(firstText(c.turns)))).toBe(true);
  }, 600_000);

  it("a step budget ends the run after exactly that many updates, evaluated at the end", async () => {
    const run = await createRun({ db, jobs: jobSender(boss), config: { ...small, mode: "static", epochs: 50, budgetSteps: 3 } });
    expect(run.totalSteps).toBe(3);
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 200_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, small.k);
    const steps = await db.step.findMany({ where: { runId: run.id }, select: { index: true, numRollouts: true } });
    expect(steps.map((s) => s.index).sort()).toEqual([0, 1, 2]);
    expect(steps.reduce((n, s) => n + s.numRollouts, 0)).toBe(3 * small.batchSize * small.k);
    expect(await db.policyCheckpoint.count({ where: { runId: run.id } })).toBe(3);
    expect(await db.evaluation.count({ where: { runId: run.id, stepIndex: 3, category: "overall" } })).toBe(1);
  }, 600_000);

  it("a study works its runs one after another at an equal budget and reports them in one table", async () => {
    await expect(createStudy({ db, jobs: jobSender(boss), input: { modes: ["static"], seeds: 1, config: small } })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("budget") });
    await expect(createStudy({ db, jobs: jobSender(boss), input: { modes: ["nope"], seeds: 1, config: { budgetSteps: 2 } } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const study = await createStudy({ db, jobs: jobSender(boss), input: { modes: ["static", "rods"], seeds: 2, config: { ...small, epochs: 20, budgetSteps: 3 } } });
    expect(study.runs).toHaveLength(4);
    for (const r of study.runs) expect(await waitForRunStatus(db, r.runId, ["completed", "failed"], 300_000)).toBe("completed");
    const view = await getStudy({ db, id: study.id });
    const intervals = (await db.run.findMany({ where: { studyId: study.id }, select: { startedAt: true, finishedAt: true }, orderBy: { startedAt: "asc" } })).map((r) => [r.startedAt!.getTime(), r.finishedAt!.getTime()]);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i]![0]).toBeGreaterThanOrEqual(intervals[i - 1]![1] - 50);
    for (const r of view.runs) {
      expect(r.steps).toBe(3);
      expect(r.rollouts).toBe(3 * small.batchSize * small.k);
      expect(r.heldOutFinal).not.toBeNull();
    }
    const [staticRow, rodsRow] = view.table.rows;
    expect(staticRow!.mode).toBe("static");
    expect(staticRow!.heldOutFinal.n).toBe(2);
    expect(rodsRow!.deltaToStatic!.n).toBe(2);
    const paired = view.runs.filter((r) => r.mode === "rods").map((r) => r.heldOutFinal! - view.runs.find((s) => s.mode === "static" && s.seed === r.seed)!.heldOutFinal!);
    expect(rodsRow!.deltaToStatic!.mean).toBeCloseTo((paired[0]! + paired[1]!) / 2, 10);
    expect(view.table.curves.find((c) => c.mode === "rods")!.informative).toHaveLength(3);
    // The CSV says what the cost share measures: worker CPU, no estimated tokens (procedural + simulated learner).
    expect(rodsRow).toMatchObject({ costBasis: "cpu", isCostEstimated: false });
  }, 600_000);

  it("refuses a study from someone not signed in, and saves nothing", async () => {
    const before = await db.study.count();
    const anonymous = createCaller({ db, headers: new Headers() });
    await expect(anonymous.studies.create({ modes: ["static"], seeds: 1, config: { budgetSteps: 2 } })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await db.study.count()).toBe(before);
    expect((await anonymous.studies.list()).length).toBe(before);
  });
});
