// Ticks of one run side by side, as several worker processes run them (each one that stores a step's last group
// ticks the run at once): at an epoch boundary only one of them closes the epoch, and the run still does every epoch.
// (Found with three workers in bench/orchestration: a second tick closed the next, not yet planned, epoch too, and a
// run of two epochs ended after one.)
import { beforeAll, describe, expect, it } from "vitest";
import type { JobSender } from "../jobs/contract";
import { resetData, testDb } from "../../test/db";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { insertRollouts } from "./rollout-store";
import { tickRun } from "./run-driver";
import { createRun } from "./runs-service";

const db = testDb();
const jobs: JobSender = { send: async () => {} };
const openai = { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", concurrency: 4 } as const;

async function completeStep(runId: string, stepIndex: number, k: number) {
  const step = await db.step.findUniqueOrThrow({ where: { runId_index: { runId, index: stepIndex } }, select: { taskIds: true } });
  await insertRollouts({
    db,
    rows: step.taskIds.flatMap((taskId) => Array.from({ length: k }, (_, sample) => ({ runId, stepIndex, taskId, sample, policyVersion: 0, messages: [], reward: sample % 2, success: sample % 2 === 1 }))),
  });
}

const epochOf = async (runId: string) => (await db.run.findUniqueOrThrow({ where: { id: runId }, select: { currentEpoch: true } })).currentEpoch;
const stepStates = async (runId: string) =>
  (await db.step.findMany({ where: { runId }, select: { index: true, epoch: true, status: true }, orderBy: { index: "asc" } })).map((s) => `${s.index}:${s.epoch}:${s.status}`);

describe("ticks of one run side by side", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  });

  it("close an epoch once, and the run does all its epochs", async () => {
    const k = 2;
    const run = await createRun({ db, jobs, config: { mode: "static", epochs: 2, k, batchSize: 4, limitSeeds: 12, evalLimit: 4, evalEveryEpochs: 2, policy: openai } });
    await tickRun({ db, jobs, runId: run.id }); // plans epoch 0
    await tickRun({ db, jobs, runId: run.id }); // flips step 0, rolls 1 and 2 ahead
    // Every group of the epoch stored before the next tick: the steps finish one per tick and epoch 1 is not planned yet.
    for (let s = 0; s < 3; s++) await completeStep(run.id, s, k);
    for (let s = 0; s < 3; s++) expect(await tickRun({ db, jobs, runId: run.id })).toBe("advanced");
    expect(await stepStates(run.id)).toEqual(["0:0:done", "1:0:done", "2:0:done"]);

    // Four workers tick at once: the epoch closes once.
    await Promise.all(Array.from({ length: 4 }, () => tickRun({ db, jobs, runId: run.id })));
    expect(await epochOf(run.id)).toBe(1);

    // And the second epoch is planned, rolled out and finished like the first.
    for (let i = 0; i < 20 && (await db.step.count({ where: { runId: run.id, epoch: 1 } })) === 0; i++) await tickRun({ db, jobs, runId: run.id });
    await tickRun({ db, jobs, runId: run.id });
    for (let s = 3; s < 6; s++) {
      await completeStep(run.id, s, k);
      for (let i = 0; i < 6 && (await db.step.findUniqueOrThrow({ where: { runId_index: { runId: run.id, index: s } }, select: { status: true } })).status !== "done"; i++) {
        await Promise.all([tickRun({ db, jobs, runId: run.id }), tickRun({ db, jobs, runId: run.id })]);
      }
    }
    expect(await stepStates(run.id)).toEqual(["0:0:done", "1:0:done", "2:0:done", "3:1:done", "4:1:done", "5:1:done"]);
    await Promise.all(Array.from({ length: 4 }, () => tickRun({ db, jobs, runId: run.id })));
    expect(await epochOf(run.id)).toBe(2);
  });
});
