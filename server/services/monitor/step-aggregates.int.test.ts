// StepAggregate against the rows it summarises: the distribution read from it equals the task statistics binned
// here, the synthesis funnel follows attempts finishing and reviews, and runs whose steps closed before the table
// existed (the fixture writes no aggregates) are filled once, with their RunAggregate, and show the same answers.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../../../test/db";
import { fillSyntheticRun, type SyntheticRun } from "../../../test/fixtures/synthetic-run";
import { disconnectDb } from "../../db";
import { projectRoot } from "../../platform/paths";
import type { Synthesizer } from "../../synthesis/types";
import { createUser } from "../auth-service";
import { getRunSeries, getStepDistribution, getSynthesisOverview } from "../monitor-service";
import { refreshRunAggregate } from "./run-aggregate";
import { approveTask, rejectTask } from "../review-service";
import { runSynthesisAttempt } from "../synthesis-service";

const db = testDb();
let finished: SyntheticRun;
let running: SyntheticRun;

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** The funnel counted attempt by attempt in JavaScript, from the stored rows. */
async function countedFunnel(runId: string) {
  const attempts = await db.synthesisAttempt.findMany({ where: { runId }, select: { outcome: true, errorType: true, childTask: { select: { reviewState: true } } } });
  const accepted = attempts.filter((a) => a.outcome === "accepted");
  const errors = new Map<string, number>();
  for (const a of attempts.filter((x) => x.outcome === "dropped")) errors.set(a.errorType ?? "unclassified", (errors.get(a.errorType ?? "unclassified") ?? 0) + 1);
  return {
    attempted: attempts.length,
    accepted: accepted.length,
    approved: accepted.filter((a) => a.childTask?.reviewState === "approved" || a.childTask?.reviewState === "none").length,
    pendingReview: accepted.filter((a) => a.childTask?.reviewState === "pending").length,
    rejected: accepted.filter((a) => a.childTask?.reviewState === "rejected").length,
    running: attempts.filter((a) => a.outcome === "running").length,
    dropped: attempts.filter((a) => a.outcome === "dropped").length,
    errors: Object.fromEntries([...errors].sort()),
  };
}

async function shownFunnel(runId: string) {
  const s = await getSynthesisOverview({ db, runId });
  const count = (key: string) => s.funnel.find((f) => f.key === key)!.count;
  return {
    attempted: count("attempted"),
    accepted: count("accepted"),
    approved: count("approved"),
    pendingReview: s.pendingReview,
    rejected: s.rejected,
    running: s.running,
    dropped: s.dropped,
    errors: Object.fromEntries(s.errors.map((e) => [e.errorType, e.count]).sort()),
  };
}

describe("per-step aggregates", () => {
  beforeAll(async () => {
    finished = await fillSyntheticRun({ db, steps: 12, tasks: 50, k: 6, epochs: 3, name: "aggregates finished", seed: 11, reviewPolicy: "manual" });
    running = await fillSyntheticRun({ db, steps: 12, tasks: 40, k: 4, epochs: 3, stepsDone: 5, name: "aggregates running", seed: 12 });
  });
  afterAll(async () => {
    await disconnectDb();
  });

  it("fills the aggregates of steps that closed before they existed once, on first read", async () => {
    expect(await db.stepAggregate.count({ where: { runId: finished.runId } })).toBe(0);
    const first = await shownFunnel(finished.runId);
    expect(await db.stepAggregate.count({ where: { runId: finished.runId } })).toBe(finished.stepsDone);
    const before = await db.stepAggregate.findMany({ where: { runId: finished.runId }, select: { updatedAt: true } });
    const runBefore = await db.runAggregate.findUniqueOrThrow({ where: { runId: finished.runId }, select: { updatedAt: true } });
    expect(await shownFunnel(finished.runId)).toEqual(first);
    // A second read writes nothing.
    expect(await db.stepAggregate.findMany({ where: { runId: finished.runId }, select: { updatedAt: true } })).toEqual(before);
    expect(await db.runAggregate.findUniqueOrThrow({ where: { runId: finished.runId }, select: { updatedAt: true } })).toEqual(runBefore);
  });

  it("shows every step's distribution as its task statistics fall: bins, regions, the md5-ordered sample with seed flags", async () => {
    for (let step = 0; step < finished.stepsDone; step++) {
      const dist = await getStepDistribution({ db, runId: finished.runId, stepIndex: step });
      const stats = await db.taskStepStat.findMany({ where: { runId: finished.runId, stepIndex: step }, select: { taskId: true, mean: true, variance: true, region: true } });
      const pool = new Map((await db.poolEntry.findMany({ where: { runId: finished.runId }, select: { taskId: true, isSeed: true } })).map((p) => [p.taskId, p.isSeed]));
      const binOf = (x: number, max: number) => Math.min(19, Math.floor((x / max) * 20));
      const mean = Array(20).fill(0);
      const variance = Array(20).fill(0);
      for (const s of stats) {
        mean[binOf(s.mean, 1)]++;
        variance[binOf(s.variance, 0.25)]++;
      }
      expect(dist.stepIndex).toBe(step);
      expect(dist.mean.counts).toEqual(mean);
      expect(dist.variance.counts).toEqual(variance);
      expect(dist.regionCounts).toEqual({
        hard: stats.filter((s) => s.region === "hard").length,
        boundary: stats.filter((s) => s.region === "boundary").length,
        mastered: stats.filter((s) => s.region === "mastered").length,
      });
      const expected = [...stats]
        .sort((a, b) => (md5(a.taskId) < md5(b.taskId) ? -1 : 1))
        .map((s) => ({ taskId: s.taskId, mean: s.mean, variance: s.variance, region: s.region, isSeed: pool.get(s.taskId) ?? true }));
      expect(dist.points).toEqual(expected);
      expect(dist.isSampled).toBe(false);
    }
    const capped = await getStepDistribution({ db, runId: finished.runId, stepIndex: 3, maxPoints: 7 });
    const full = await getStepDistribution({ db, runId: finished.runId, stepIndex: 3 });
    expect(capped.points).toEqual(full.points.slice(0, 7));
    expect(capped.isSampled).toBe(true);
    // Other bin counts are computed from the statistics, and agree with the default bins merged in pairs.
    const ten = await getStepDistribution({ db, runId: finished.runId, stepIndex: 3, bins: 10 });
    expect(ten.mean.counts.reduce((a, b) => a + b, 0)).toBe(full.totalTasks);
  });

  it("answers the same from points stored in the earlier layout once their migration has rewritten them", async () => {
    const shown = await Promise.all([0, 2].map((stepIndex) => getStepDistribution({ db, runId: finished.runId, stepIndex })));
    expect(shown[1]!.points.length).toBeGreaterThan(0);
    // One array per point, as the code before 20261127045500 wrote them.
    await db.$executeRaw`
      UPDATE "StepAggregate" g SET points = (
        SELECT COALESCE(json_agg(json_build_array(x."taskId", x.mean, x.variance, x.region, x."isSeed") ORDER BY x.h), '[]'::json)
        FROM (SELECT t."taskId", t.mean, t.variance, t.region::text AS region, COALESCE(p."isSeed", true) AS "isSeed", md5(t."taskId") AS h
              FROM "TaskStepStat" t LEFT JOIN "PoolEntry" p ON p."runId" = t."runId" AND p."taskId" = t."taskId"
              WHERE t."runId" = g."runId" AND t."stepIndex" = g."stepIndex" ORDER BY h LIMIT 2000) x)
      WHERE g."runId" = ${finished.runId}`;
    const migration = readFileSync(path.join(projectRoot, "prisma", "migrations", "20261127045500_step_aggregate_points_columns", "migration.sql"), "utf8");
    await db.$executeRawUnsafe(migration);
    expect(await Promise.all([0, 2].map((stepIndex) => getStepDistribution({ db, runId: finished.runId, stepIndex })))).toEqual(shown);
    // Rows already in the new layout are left alone.
    await db.$executeRawUnsafe(migration);
    expect(await getStepDistribution({ db, runId: finished.runId, stepIndex: 2 })).toEqual(shown[1]);
  });

  it("counts a running attempt's outcome once it finishes, and reviews as they are decided", async () => {
    const before = await shownFunnel(running.runId);
    expect(before).toEqual(await countedFunnel(running.runId));
    expect(before.running).toBeGreaterThan(0);
    const attempt = await db.synthesisAttempt.findFirstOrThrow({ where: { runId: running.runId, outcome: "running" }, select: { id: true } });
    const dropping: Synthesizer = {
      backend: "procedural",
      synthesize: async () => ({ outcome: "dropped", stageReached: "execute", errorType: "vm_exec_failed", errorMessage: "test drop", configPatches: [], gateResults: [] }),
    };
    await runSynthesisAttempt({ db, attemptId: attempt.id, synthesizer: dropping });
    const after = await shownFunnel(running.runId);
    expect(after).toEqual(await countedFunnel(running.runId));
    expect(after.running).toBe(before.running - 1);
    expect(after.dropped).toBe(before.dropped + 1);
    expect(after.errors.vm_exec_failed).toBe((before.errors.vm_exec_failed ?? 0) + 1);

    const reviewer = await createUser({ db, email: `aggregates-${Date.now()}@rods.local`, name: "Aggregate Reviewer", password: "a long enough password", role: "admin" });
    const pending = await db.synthesisAttempt.findMany({ where: { runId: finished.runId, outcome: "accepted", childTask: { reviewState: "pending" } }, select: { childTaskId: true }, take: 2 });
    expect(pending).toHaveLength(2);
    const reviewedBefore = await shownFunnel(finished.runId);
    await approveTask({ db, taskId: pending[0]!.childTaskId!, userId: reviewer.id });
    await rejectTask({ db, taskId: pending[1]!.childTaskId!, userId: reviewer.id, reason: "not a realistic request" });
    const reviewedAfter = await shownFunnel(finished.runId);
    expect(reviewedAfter).toEqual(await countedFunnel(finished.runId));
    expect(reviewedAfter.pendingReview).toBe(reviewedBefore.pendingReview - 2);
    expect(reviewedAfter.approved).toBe(reviewedBefore.approved + 1);
    expect(reviewedAfter.rejected).toBe(reviewedBefore.rejected + 1);
  });

  it("does not take a series short of a step that closed during a lazy rebuild for current", async () => {
    const racing = await fillSyntheticRun({ db, steps: 12, tasks: 30, k: 4, epochs: 3, stepsDone: 5, name: "aggregates racing", seed: 13 });
    const runId = racing.runId;
    expect((await getRunSeries({ db, runId })).map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
    // A rebuild on read fills the missing StepAggregate rows, then refreshes the run's row in another transaction.
    // Step 5 closes between the two (the step and the run's current step together, as the driver writes them).
    await db.$transaction([
      db.step.update({ where: { runId_index: { runId, index: 5 } }, data: { status: "done", finishedAt: new Date() } }),
      db.run.update({ where: { id: runId }, data: { currentStep: 6 } }),
    ]);
    await refreshRunAggregate({ db, runId });
    // The row cannot say it holds step 5 (it does not), so the next read rebuilds it with that step.
    expect((await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { atStep: true } })).atStep).not.toBe(6);
    expect((await getRunSeries({ db, runId })).map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { atStep: true } })).atStep).toBe(6);
  });
});
