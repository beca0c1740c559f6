// The closed loop end to end on the real queue: rollouts with the simulated learner, progress rewards, boundary
// detection, synthesis, the replay buffer and held-out evaluation.
import { describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { expectCompleteGroups, useLoopWorker, waitForRunStatus } from "../../test/run-helpers";
import { summarizeRun } from "./run-summary";
import { changeRunStatus, createRun } from "./runs-service";

const db = testDb();

const small = { epochs: 3, k: 4, batchSize: 20, limitSeeds: 40, evalLimit: 40, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 7 };

describe("the RODS loop", () => {
  const worker = useLoopWorker(db);

  it("runs a rods experiment to the end with every rollout counted once, synthesis, injection and evaluation", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config: { mode: "rods", ...small } });
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 240_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, small.k);

    const stats = await db.taskStepStat.count({ where: { runId: run.id } });
    const steps = await db.step.findMany({ where: { runId: run.id }, select: { taskIds: true, informativeFraction: true } });
    expect(stats).toBe(steps.reduce((n, s) => n + s.taskIds.length, 0));
    for (const s of steps) expect(s.informativeFraction).toBeGreaterThanOrEqual(0);

    // Synthesis runs beside training: attempts of the last step may still finish after the run completes.
    await expect.poll(() => db.synthesisAttempt.count({ where: { runId: run.id, outcome: "running" } }), { timeout: 60_000 }).toBe(0);
    const attempts = await db.synthesisAttempt.findMany({ where: { runId: run.id }, select: { outcome: true, errorType: true, childTaskId: true } });
    expect(attempts.length).toBeGreaterThan(0);
    const accepted = attempts.filter((a) => a.outcome === "accepted");
    expect(accepted.length).toBeGreaterThan(0);
    for (const a of attempts.filter((x) => x.outcome === "dropped")) expect(a.errorType).toBeTruthy();
    // The monitor's per-step aggregates: written by the driver as each step closed (nothing has read the monitor),
    // their synthesis part refreshed as the attempts finished.
    const aggregates = await db.stepAggregate.findMany({ where: { runId: run.id }, select: { stepIndex: true, synthAttempted: true, synthRunning: true, synthAccepted: true } });
    expect(aggregates.map((a) => a.stepIndex).sort((a, b) => a - b)).toEqual(steps.map((_, i) => i));
    expect(aggregates.reduce((n, a) => n + a.synthAttempted, 0)).toBe(attempts.length);
    expect(aggregates.reduce((n, a) => n + a.synthRunning, 0)).toBe(0);
    expect(aggregates.reduce((n, a) => n + a.synthAccepted, 0)).toBe(accepted.length);

    const children = await db.task.findMany({
      where: { id: { in: accepted.map((a) => a.childTaskId!) } },
      select: { origin: true, parentId: true, structure: true, gtReplayOk: true, split: true, numTurns: true, contentHash: true, parent: { select: { numTurns: true, structure: true } } },
    });
    type Profile = { classesPerTurn: string[][] };
    const classesPerTurn = (p: unknown) => (p as Profile).classesPerTurn.map((c) => [...c].sort().join(","));
    for (const c of children) {
      expect(c).toMatchObject({ origin: "synthesized", gtReplayOk: true, split: "train" });
      expect(c.parentId).toBeTruthy();
      // Same skeleton as its seed: turn count and API classes per turn.
      expect(c.numTurns).toBe(c.parent!.numTurns);
      expect(classesPerTurn(c.structure)).toEqual(classesPerTurn(c.parent!.structure));
      // Duplicates no other task.
      expect(await db.task.count({ where: { contentHash: c.contentHash } })).toBe(1);
    }

    const summary = await summarizeRun({ db, runId: run.id });
    expect(summary.steps).toBe(steps.length);
    expect(summary.rollouts).toBe(steps.reduce((n, s) => n + s.taskIds.length, 0) * small.k);
    expect(summary.informativeFraction).toHaveLength(small.epochs);
    expect(summary.heldOut.initial?.overall).not.toBeNull();
    expect(summary.heldOut.final?.overall).not.toBeNull();
    expect(Object.keys(summary.heldOut.final!.byCategory).sort()).toEqual(["base", "long_context", "miss_func", "miss_param"]);
    // Injection happens only at epoch boundaries and within the β cap of the active pool at that boundary.
    const injected = await db.poolEntry.findMany({ where: { runId: run.id, isSeed: false, enteredEpoch: { not: null } }, select: { enteredEpoch: true } });
    for (const e of injected) expect(e.enteredEpoch).toBeGreaterThan(0);
    expect(summary.injected[0]).toBeLessThanOrEqual(Math.max(1, Math.floor(0.2 * small.limitSeeds)));
    const checkpoints = await db.policyCheckpoint.count({ where: { runId: run.id } });
    expect(checkpoints).toBe(steps.length);
  });

  it("a static run synthesizes and retires nothing", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config: { mode: "static", ...small, epochs: 2 } });
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 180_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, small.k);
    expect(await db.synthesisAttempt.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.poolEntry.count({ where: { runId: run.id, state: { not: "active" } } })).toBe(0);
  });

  it("pauses, resumes and cancels, refusing moves that make no sense", async () => {
    const jobs = worker.jobs();
    const run = await createRun({ db, jobs, config: { mode: "static", ...small, epochs: 50 } });
    const paused = await changeRunStatus({ db, jobs, id: run.id, action: "pause", reason: "test" });
    expect(paused.status).toBe("paused");
    await expect(changeRunStatus({ db, jobs, id: run.id, action: "pause" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await changeRunStatus({ db, jobs, id: run.id, action: "resume" })).status).toBe("running");
    expect((await changeRunStatus({ db, jobs, id: run.id, action: "cancel" })).status).toBe("cancelled");
    await expect(changeRunStatus({ db, jobs, id: run.id, action: "resume" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("rejects invalid settings with what was wrong", async () => {
    await expect(createRun({ db, jobs: worker.jobs(), config: { mode: "bogus" } })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("mode") });
    await expect(createRun({ db, jobs: worker.jobs(), config: { alphaMinus: 0.9, alphaPlus: 0.5 } })).rejects.toMatchObject({ message: expect.stringContaining("α− must not exceed α+") });
    await expect(createRun({ db, jobs: worker.jobs(), config: { datasetName: "nope" } })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});
