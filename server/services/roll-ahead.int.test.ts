// Roll-ahead as the driver does it, tick by tick (no worker: the test stores each group's rollouts itself and
// records the jobs the driver sends): two steps ahead, across an epoch boundary whose pool cannot change, the held-out
// evaluation of a fixed policy sent with the epoch's last step; and none of it where the method forbids it.
import { beforeAll, describe, expect, it } from "vitest";
import type { JobSender } from "../jobs/contract";
import { resetData, testDb } from "../../test/db";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { insertRollouts } from "./rollout-store";
import { tickRun } from "./run-driver";
import { createRun } from "./runs-service";

const db = testDb();
const openai = { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", concurrency: 4 } as const;

/** Records the jobs the driver sends; for each evaluation, how many steps of its run were done when it was sent. */
function recorder() {
  const sent: { name: string; payload: Record<string, unknown>; stepsDone: number }[] = [];
  const jobs: JobSender = {
    send: async (name, payload) => {
      const p = payload as Record<string, unknown>;
      const stepsDone = name === "evaluate" ? await db.step.count({ where: { runId: p.runId as string, status: "done" } }) : -1;
      sent.push({ name, payload: p, stepsDone });
    },
  };
  const groupsOf = (stepIndex: number) => sent.filter((j) => j.name === "rollout-group" && j.payload.stepIndex === stepIndex).map((j) => j.payload.taskId as string);
  const evaluations = () => [...new Set(sent.filter((j) => j.name === "evaluate").map((j) => j.payload.stepIndex as number))];
  /** steps done when the evaluation at `stepIndex` was first asked for */
  const firstAskedAfter = (stepIndex: number) => sent.find((j) => j.name === "evaluate" && j.payload.stepIndex === stepIndex)?.stepsDone;
  return { jobs, sent, groupsOf, evaluations, firstAskedAfter };
}

/** Stores all K rollouts of every task of a step, as the group jobs would. */
async function completeStep(runId: string, stepIndex: number, k: number) {
  const step = await db.step.findUniqueOrThrow({ where: { runId_index: { runId, index: stepIndex } }, select: { taskIds: true } });
  await insertRollouts({
    db,
    rows: step.taskIds.flatMap((taskId) => Array.from({ length: k }, (_, sample) => ({ runId, stepIndex, taskId, sample, policyVersion: 0, messages: [], reward: sample % 2, success: sample % 2 === 1 }))),
  });
}

const stepStates = async (runId: string) =>
  (await db.step.findMany({ where: { runId }, select: { index: true, epoch: true, status: true }, orderBy: { index: "asc" } })).map((s) => `${s.index}:${s.epoch}:${s.status}`);

describe("rolling steps ahead", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  });

  it("static run, OpenAI policy: two steps ahead, into the next epoch before this one closes, evaluation beside the last step", async () => {
    const k = 2;
    const r = recorder();
    // 12 seeds in batches of 4: three steps per epoch, evaluation before training and after each epoch.
    const run = await createRun({ db, jobs: r.jobs, config: { mode: "static", epochs: 2, k, batchSize: 4, limitSeeds: 12, evalLimit: 4, evalEveryEpochs: 1, policy: openai } });
    await tickRun({ db, jobs: r.jobs, runId: run.id }); // plans epoch 0
    await tickRun({ db, jobs: r.jobs, runId: run.id }); // flips step 0, rolls 1 and 2 ahead
    expect(await stepStates(run.id)).toEqual(["0:0:rolling", "1:0:rolling", "2:0:rolling"]);
    expect(r.groupsOf(0)).toHaveLength(4);
    expect(r.groupsOf(2)).toHaveLength(4);
    // Step 2 is the epoch's last: the evaluation after it (step index 3) is sent with it, as the policy never changes.
    expect(r.evaluations()).toEqual([0, 3]);
    expect(r.firstAskedAfter(3)).toBe(0);

    await completeStep(run.id, 0, k);
    expect(await tickRun({ db, jobs: r.jobs, runId: run.id })).toBe("advanced"); // finishes step 0
    expect(await tickRun({ db, jobs: r.jobs, runId: run.id })).toBe("waiting"); // step 1 rolling: plans epoch 1, rolls step 3
    expect(await stepStates(run.id)).toEqual(["0:0:done", "1:0:rolling", "2:0:rolling", "3:1:rolling", "4:1:pending", "5:1:pending"]);
    expect(r.groupsOf(3)).toHaveLength(4);
    expect(r.groupsOf(4)).toHaveLength(0);

    // Every step completed in turn: each group sent once, each step finished once, and the run ends.
    for (let s = 1; s < 6; s++) {
      await completeStep(run.id, s, k);
      for (let i = 0; i < 6 && (await db.step.findUniqueOrThrow({ where: { runId_index: { runId: run.id, index: s } }, select: { status: true } })).status !== "done"; i++) {
        await tickRun({ db, jobs: r.jobs, runId: run.id });
      }
    }
    expect(await stepStates(run.id)).toEqual(["0:0:done", "1:0:done", "2:0:done", "3:1:done", "4:1:done", "5:1:done"]);
    for (let s = 0; s < 6; s++) expect(new Set(r.groupsOf(s)).size).toBe(r.groupsOf(s).length);
    expect(await db.rollout.count({ where: { runId: run.id } })).toBe(6 * 4 * k);
    // Each epoch's evaluation was sent when its last step started, before that step finished (the driver asks again
    // when the epoch closes; the evaluation job runs once per step index).
    expect(r.evaluations()).toEqual([0, 3, 6]);
    expect(r.firstAskedAfter(6)).toBeLessThan(6);
    await db.evaluation.create({ data: { runId: run.id, stepIndex: 6, epoch: 2, split: "test", category: "overall", score: 0.5, progress: 0.5, n: 4 } });
    let outcome = await tickRun({ db, jobs: r.jobs, runId: run.id }); // closes epoch 1
    if (outcome !== "completed") outcome = await tickRun({ db, jobs: r.jobs, runId: run.id });
    expect(outcome).toBe("completed");
  });

  it("a pool that changes at the boundary (rods mode) is not rolled into the next epoch", async () => {
    const k = 2;
    const r = recorder();
    const run = await createRun({ db, jobs: r.jobs, config: { mode: "rods", epochs: 2, k, batchSize: 4, limitSeeds: 12, evalLimit: 4, evalEveryEpochs: 1, policy: openai } });
    await tickRun({ db, jobs: r.jobs, runId: run.id });
    await tickRun({ db, jobs: r.jobs, runId: run.id });
    await completeStep(run.id, 0, k);
    await tickRun({ db, jobs: r.jobs, runId: run.id });
    await tickRun({ db, jobs: r.jobs, runId: run.id });
    // Epoch 1 is planned only when epoch 0 has closed (injection and retirement decide its pool).
    expect(await stepStates(run.id)).toEqual(["0:0:done", "1:0:rolling", "2:0:rolling"]);
    // The policy itself never changes, so its evaluation after epoch 1 is sent with that epoch's last step.
    expect(r.evaluations()).toEqual([0, 3]);
  });
});
