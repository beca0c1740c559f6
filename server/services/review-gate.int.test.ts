// Manual review gates the run, on the real queue: at an epoch boundary with synthesized tasks awaiting review the
// run waits (and says so), approvals let it go on with the approved tasks injected, and "go on without them"
// closes the epoch with the pending ones left staged.
import { describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { useLoopWorker, waitForRunStatus } from "../../test/run-helpers";
import { createUser } from "./auth-service";
import { continueWithoutReview, getReviewGate } from "./review-gate";
import { bulkApprove } from "./review-service";
import { createRun } from "./runs-service";

const db = testDb();

const pendingOf = (runId: string) => db.poolEntry.findMany({ where: { runId, state: "staged", isSeed: false, task: { reviewState: "pending" } }, select: { taskId: true } });

describe("the review gate", () => {
  const worker = useLoopWorker(db);

  it("waits at an epoch boundary for pending tasks, goes on after approvals, and on request without them", { timeout: 420_000 }, async () => {
    const user = await createUser({ db, email: "reviewer@example.org", name: "Rita", password: "rita's password" });
    const jobs = worker.jobs();
    const run = await createRun({
      db,
      jobs,
      config: { mode: "rods", reviewPolicy: "manual", epochs: 3, k: 4, batchSize: 12, limitSeeds: 24, evalLimit: 8, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 3 },
    });

    // 1. The first boundary holds the run until the tasks synthesized in epoch 1 are made and decided: the epoch
    //    stays current, no step of the next one is planned, the reason says why.
    await expect.poll(async () => (await getReviewGate({ db, runId: run.id })).isWaiting, { timeout: 180_000, interval: 250 }).toBe(true);
    const waiting = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, currentEpoch: true, statusReason: true } });
    const epoch = waiting.currentEpoch;
    expect(waiting.status).toBe("running");
    expect(epoch).toBe(0);
    const pending = await pendingOf(run.id);
    expect(pending.length + (await db.synthesisAttempt.count({ where: { runId: run.id, outcome: "running" } }))).toBeGreaterThan(0);
    expect(waiting.statusReason).toMatch(new RegExp(`^Waiting for review: \\d+ synthesized tasks? of this run awaits? a decision( \\(\\d+ more still being synthesized\\))? before epoch 1 closes`));
    expect(await db.step.count({ where: { runId: run.id, epoch: epoch + 1 } })).toBe(0);
    expect(await db.step.count({ where: { runId: run.id, epoch, status: { not: "done" } } })).toBe(0);

    // 2. Deciding them lets it go on; approved tasks are injected at that boundary (up to the β cap). Synthesis of
    //    the epoch's last step may still add tasks while the run waits: those are decided too.
    const approved: string[] = [];
    await expect
      .poll(
        async () => {
          const ids = (await pendingOf(run.id)).map((p) => p.taskId);
          if (ids.length) await bulkApprove({ db, taskIds: ids, userId: user.id });
          approved.push(...ids);
          return (await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { currentEpoch: true } })).currentEpoch;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeGreaterThan(epoch);
    const injected = await db.poolEntry.count({ where: { runId: run.id, taskId: { in: approved }, state: "active", enteredEpoch: epoch + 1 } });
    expect(injected).toBeGreaterThan(0);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { statusReason: true } })).statusReason ?? "").not.toMatch(/^Waiting for review/);

    // 3. At the next boundary it waits again; "go on without them" closes the epoch and leaves them staged.
    await expect.poll(async () => (await getReviewGate({ db, runId: run.id })).isWaiting, { timeout: 180_000, interval: 250 }).toBe(true);
    const second = (await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { currentEpoch: true } })).currentEpoch;
    expect(second).toBe(1);
    const left = (await pendingOf(run.id)).map((p) => p.taskId);
    const gate = await continueWithoutReview({ db, jobs, runId: run.id });
    expect(gate.epoch).toBe(second);
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 180_000)).toBe("completed");
    expect(await db.poolEntry.count({ where: { runId: run.id, taskId: { in: left }, state: "staged" } })).toBe(left.length);
  });

  it("refuses to go on for a run that is not running, and for an unknown run", async () => {
    const done = await db.run.findFirstOrThrow({ where: { status: "completed" }, select: { id: true } });
    await expect(continueWithoutReview({ db, jobs: worker.jobs(), runId: done.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(getReviewGate({ db, runId: "no-such-run" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
