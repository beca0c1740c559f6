// Creating a study applies the per-user quotas runs have, through the tRPC door the UI uses: all of its runs'
// rollouts count against RODS_QUOTA_ROLLOUTS, and a study (worked one run at a time) counts as one unfinished run.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { createCaller } from "../api/root";
import { stopWebQueue } from "../jobs/web-queue";
import { createUser } from "./auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { createStudy } from "./study-service";
import { jobSender, startQueue } from "../jobs/queue";
import { resetData, testDb } from "../../test/db";

const db = testDb();
// 2 steps (the budget) × 4 tasks × K 2 = 16 rollouts per run; [static, rods] × 2 seeds = 4 runs, 64 rollouts.
const settings = { limitSeeds: 8, batchSize: 4, k: 2, epochs: 10, budgetSteps: 2, evalLimit: 2 };
const grid = { modes: ["static", "rods"], seeds: 2, config: settings };

async function callerFor(email: string) {
  const created = await createUser({ db, email, name: email.split("@")[0]!, password: "a long enough password" });
  const user = await db.user.findUniqueOrThrow({ where: { id: created.id }, select: { id: true, name: true, email: true, role: true, createdAt: true } });
  return createCaller({ db, headers: new Headers(), user });
}

describe("study quotas", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  }, 120_000);
  afterEach(() => {
    delete process.env.RODS_QUOTA_ROLLOUTS;
    delete process.env.RODS_QUOTA_CONCURRENT_RUNS;
  });
  afterAll(async () => {
    await stopWebQueue();
    await disconnectDb();
  });

  it("refuses a study whose runs together exceed the rollouts budget, with the run's message, writing nothing", async () => {
    process.env.RODS_QUOTA_ROLLOUTS = "40";
    const member = await callerFor("budget@example.org");
    // One run of these settings fits the budget…
    const run = await member.experiments.create({ config: { ...settings, mode: "static" } });
    await member.runs.cancel({ id: run.id });
    // …four of them do not.
    const studies = await db.study.count();
    const runs = await db.run.count();
    await expect(member.studies.create(grid)).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "This study (4 runs) plans up to 64 rollouts and your unfinished runs 0; your budget is 40 (RODS_QUOTA_ROLLOUTS). Lower epochs, K or the batch size, or cancel a run.",
    });
    expect(await db.study.count()).toBe(studies);
    expect(await db.run.count()).toBe(runs);
  });

  it("counts a study's runs as one unfinished run, and its queued runs' rollouts against later runs", async () => {
    process.env.RODS_QUOTA_CONCURRENT_RUNS = "2";
    const member = await callerFor("busy@example.org");
    await member.experiments.create({ config: { ...settings, mode: "static" } });
    const study = await member.studies.create(grid);
    expect(study.runs).toHaveLength(4);
    const refusal = { code: "TOO_MANY_REQUESTS", message: expect.stringContaining("You have 2 unfinished runs (a study's runs count as one); the limit is 2 (RODS_QUOTA_CONCURRENT_RUNS)") };
    await expect(member.experiments.create({ config: { ...settings, mode: "static" } })).rejects.toMatchObject(refusal);
    const studies = await db.study.count();
    await expect(member.studies.create(grid)).rejects.toMatchObject(refusal);
    expect(await db.study.count()).toBe(studies);

    // The study's 4 queued runs (64 rollouts) and the run (16) use the budget too.
    process.env.RODS_QUOTA_CONCURRENT_RUNS = "10";
    process.env.RODS_QUOTA_ROLLOUTS = "90";
    await expect(member.experiments.create({ config: { ...settings, mode: "static" } })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("This run plans up to 16 rollouts and your unfinished runs 80; your budget is 90"),
    });

    // Quotas are per user; the command line on the server's machine has none.
    process.env.RODS_QUOTA_CONCURRENT_RUNS = "1";
    const other = await callerFor("other@example.org");
    expect((await other.studies.create(grid)).runs).toHaveLength(4);
    const boss = await startQueue({ url: inject("databaseUrl"), isWorker: false });
    try {
      expect((await createStudy({ db, jobs: jobSender(boss), input: grid })).runs).toHaveLength(4);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
