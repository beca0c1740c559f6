// The monitor's header progress, step plan, review gate, event log, costs and trainer series read the run's
// RunAggregate, not PoolEntry, SynthesisAttempt or every Step row. Their answers must equal the ones computed from the rows themselves (the reference functions
// below do what the services did before the aggregate): for a run whose aggregate is missing (runs from before the
// table), stale (older than the run's epoch), written before the keys these reads need, and kept by the real loop.
import { describe, expect, it } from "vitest";
import { testDb } from "../../../test/db";
import { fillSyntheticRun } from "../../../test/fixtures/synthetic-run";
import { useLoopWorker, waitForRunStatus } from "../../../test/run-helpers";
import type { Db } from "../../db";
import type { TRunConfig } from "../../rods/config";
import { planRunSteps } from "../../rods/step-plan";
import { getRunCosts } from "../cost-service";
import { getReviewGate } from "../review-gate";
import { listRunEvents } from "../run-events-service";
import { getRunHeader } from "./run-header";
import { storeEvaluation } from "../evaluation-service";
import { createRun } from "../runs-service";
import { getRunStepPlan, knownEpochs } from "../step-plan-service";
import { ackBatch, getTrainerMetricsSeries } from "../trainer-service";

const db = testDb();

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The event log's epochs, injections, retirements and evaluations from PoolEntry, Step and Evaluation rows. */
async function eventsFromRows(runId: string) {
  const run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { currentEpoch: true, startedAt: true } });
  const [epochs, injected, retired, evaluations] = await Promise.all([
    db.step.groupBy({ by: ["epoch"], where: { runId, status: "done" }, _count: { _all: true }, _max: { finishedAt: true } }),
    db.poolEntry.groupBy({ by: ["enteredEpoch"], where: { runId, isSeed: false, enteredEpoch: { not: null } }, _count: { _all: true } }),
    db.poolEntry.groupBy({ by: ["leftEpoch", "retireReason"], where: { runId, leftEpoch: { not: null } }, _count: { _all: true } }),
    db.evaluation.findMany({ where: { runId, category: "overall" }, select: { stepIndex: true, split: true, score: true, n: true, createdAt: true } }),
  ]);
  const closedAt = new Map(epochs.map((e) => [e.epoch, e._max.finishedAt]));
  const events: { at: Date | null; text: string }[] = [];
  for (const e of epochs) if (e.epoch < run.currentEpoch) events.push({ at: e._max.finishedAt, text: `Epoch ${e.epoch + 1} closed after ${plural(e._count._all, "step")}` });
  for (const i of injected) events.push({ at: closedAt.get(i.enteredEpoch! - 1) ?? null, text: `${plural(i._count._all, "synthesized task")} injected for epoch ${i.enteredEpoch! + 1}` });
  for (const epoch of new Set(retired.map((r) => r.leftEpoch!))) {
    const rows = retired.filter((r) => r.leftEpoch === epoch).sort((a, b) => (a.retireReason ?? "~").localeCompare(b.retireReason ?? "~"));
    const total = rows.reduce((n, r) => n + r._count._all, 0);
    events.push({ at: closedAt.get(epoch) ?? null, text: `${plural(total, "task")} retired in epoch ${epoch + 1} (${rows.map((r) => `${r._count._all} ${r.retireReason ?? "without a reason"}`).join(", ")})` });
  }
  const steps = await db.step.findMany({ where: { runId, index: { in: evaluations.map((e) => e.stepIndex - 1) } }, select: { index: true, finishedAt: true } });
  for (const e of evaluations) {
    const at = e.stepIndex === 0 ? (run.startedAt ?? e.createdAt) : (steps.find((s) => s.index === e.stepIndex - 1)?.finishedAt ?? e.createdAt);
    const when = e.stepIndex === 0 ? "before training" : `after step ${e.stepIndex}`;
    events.push({ at, text: `${e.split === "test" ? "Held-out" : e.split} evaluation ${when}: ${(e.score * 100).toFixed(1)} % of ${e.n} tasks` });
  }
  return events.map((e) => ({ at: e.at?.getTime() ?? null, text: e.text })).sort((a, b) => a.text.localeCompare(b.text));
}

/** Every answer the header's progress, step plan, gate, event log and costs give, next to the same figures from the rows. */
async function answers(runId: string) {
  const run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { config: true, currentEpoch: true } });
  const config = run.config as unknown as TRunConfig;
  const plan = await getRunStepPlan({ db, runId });
  const gate = await getReviewGate({ db, runId });
  const events = await listRunEvents({ db, runId });
  const [cost] = await getRunCosts({ db, runIds: [runId] });
  const known = await knownEpochs({ db: db as Db, runId, throughEpoch: Math.min(run.currentEpoch, config.epochs - 1) });
  const rowsPlan = planRunSteps({
    settings: { epochs: config.epochs, batchSize: config.batchSize, k: config.k, budgetSteps: config.budgetSteps, budgetRollouts: config.budgetRollouts },
    known,
  });
  const attempts = await db.synthesisAttempt.aggregate({ where: { runId }, _count: { _all: true }, _sum: { tokensIn: true, tokensOut: true, modelCalls: true, wallMs: true, cpuMs: true } });
  const steps = await db.step.aggregate({ where: { runId, status: "done" }, _sum: { numRollouts: true, tokensIn: true, tokensOut: true, rolloutWallMs: true, rolloutCpuMs: true } });
  const pending = await db.poolEntry.count({ where: { runId, state: "staged", isSeed: false, task: { reviewState: "pending" } } });
  const header = await getRunHeader({ db, runId });
  const done = await db.step.findMany({ where: { runId, status: "done" }, orderBy: { index: "desc" }, select: { finishedAt: true } });
  const recent = done.slice(0, 20).map((s) => s.finishedAt!.getTime());
  const { startedAt } = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { startedAt: true } });
  const meanStepSeconds =
    recent.length >= 2 ? (Math.max(...recent) - Math.min(...recent)) / 1000 / (recent.length - 1) : recent.length === 1 && startedAt ? (recent[0]! - startedAt.getTime()) / 1000 : null;
  return {
    shown: {
      header: { stepsDone: header.progress.stepsDone, meanStepSeconds: header.eta.meanStepSeconds },
      plan: { stepsByEpoch: plan.stepsByEpoch, initialTotal: plan.initialTotal, planned: plan.changes.filter((c) => !c.text.startsWith("the run ended")).map((c) => c.text) },
      pending: gate.pending,
      events: events.filter((e) => ["epoch", "injected", "retired", "evaluation"].includes(e.kind)).map((e) => ({ at: e.at?.getTime() ?? null, text: e.text })).sort((a, b) => a.text.localeCompare(b.text)),
      synthesis: { count: cost!.synthesis.count, tokensIn: cost!.synthesis.tokensIn, tokensOut: cost!.synthesis.tokensOut, modelCalls: cost!.synthesis.modelCalls, wallMs: cost!.synthesis.wallMs.toFixed(6), cpuMs: cost!.synthesis.cpuMs.toFixed(6) },
      rollouts: { count: cost!.rollouts.count, tokensIn: cost!.rollouts.tokensIn, tokensOut: cost!.rollouts.tokensOut, wallMs: cost!.rollouts.wallMs.toFixed(6), cpuMs: cost!.rollouts.cpuMs.toFixed(6) },
    },
    rows: {
      header: { stepsDone: done.length, meanStepSeconds },
      plan: { stepsByEpoch: rowsPlan.stepsByEpoch, initialTotal: rowsPlan.initialTotal, planned: rowsPlan.changes.map((c) => plan.changes.find((s) => s.totalBefore === c.totalBefore && s.totalAfter === c.totalAfter && s.epoch === c.epoch + 1)?.text ?? `missing: ${JSON.stringify(c)}`) },
      pending: config.reviewPolicy === "manual" ? pending : 0,
      events: await eventsFromRows(runId),
      synthesis: {
        count: attempts._count._all,
        tokensIn: attempts._sum.tokensIn ?? 0,
        tokensOut: attempts._sum.tokensOut ?? 0,
        modelCalls: attempts._sum.modelCalls ?? 0,
        wallMs: (attempts._sum.wallMs ?? 0).toFixed(6),
        cpuMs: (attempts._sum.cpuMs ?? 0).toFixed(6),
      },
      rollouts: {
        count: steps._sum.numRollouts ?? 0,
        tokensIn: steps._sum.tokensIn ?? 0,
        tokensOut: steps._sum.tokensOut ?? 0,
        wallMs: (steps._sum.rolloutWallMs ?? 0).toFixed(6),
        cpuMs: (steps._sum.rolloutCpuMs ?? 0).toFixed(6),
      },
    },
  };
}

/**
 * Changes rows behind the aggregate's back: a staged task's review state (pending → approved, or back), a seed
 * retired, the attempts' costs, a new evaluation.
 */
async function changeRows(runId: string, review: { from: "pending" | "approved"; to: "pending" | "approved" }, round: number) {
  const staged = await db.poolEntry.findFirst({ where: { runId, state: "staged", isSeed: false, task: { reviewState: review.from } }, select: { taskId: true } });
  expect(staged).not.toBeNull();
  await db.task.update({ where: { id: staged!.taskId }, data: { reviewState: review.to } });
  const active = await db.poolEntry.findFirst({ where: { runId, state: "active", isSeed: true }, select: { taskId: true } });
  await db.poolEntry.update({ where: { runId_taskId: { runId, taskId: active!.taskId } }, data: { state: "retired", leftEpoch: 0, retireReason: "mastered" } });
  await db.$executeRaw`UPDATE "SynthesisAttempt" SET "tokensIn" = 100 + length(id), "tokensOut" = 7, "modelCalls" = ${round}, "wallMs" = 12.25, "cpuMs" = 3.125 WHERE "runId" = ${runId}`;
  await db.evaluation.create({ data: { runId, stepIndex: 2 + round, epoch: 0, split: "train", category: "overall", score: 0.625, progress: 0.7, n: 40 } });
}

describe("the step plan, review gate, event log and costs from the run's aggregate", () => {
  it("equal the answers from the rows for a run without an aggregate, a stale one, and one written before their keys", async () => {
    for (const stepsDone of [12, 5]) {
      const { runId } = await fillSyntheticRun({ db, steps: 12, tasks: 30, k: 4, epochs: 3, stepsDone, reviewPolicy: "manual", seed: 21 + stepsDone });
      // The fixture writes no aggregate: the first read builds it.
      expect(await db.runAggregate.count({ where: { runId } })).toBe(0);
      const first = await answers(runId);
      expect(first.shown).toEqual(first.rows);
      expect(first.shown.pending).toBeGreaterThan(0);
      expect(first.shown.events.length).toBeGreaterThan(2);
      expect(first.shown.synthesis.count).toBeGreaterThan(0);
      expect(await db.runAggregate.count({ where: { runId } })).toBe(1);

      // Rows changed behind its back, and the aggregate marked older than the run's epoch: read again, rebuilt.
      await changeRows(runId, { from: "pending", to: "approved" }, 2);
      await db.runAggregate.update({ where: { runId }, data: { atEpoch: -1 } });
      const stale = await answers(runId);
      expect(stale.shown).toEqual(stale.rows);
      expect(stale.shown.synthesis.modelCalls).toBe(2 * stale.shown.synthesis.count);
      expect(stale.shown.pending).toBe(first.shown.pending - 1);

      // A row as the code before these reads wrote it (current marks, no pendingReview / epochSteps / epochsClosed /
      // cost, no trainer, evaluations or curve column, the layout before RunAggregate.shape): rebuilt once, then equal
      // to the rows again.
      await changeRows(runId, { from: "approved", to: "pending" }, 3);
      await db.$executeRaw`
        UPDATE "RunAggregate" SET pool = (pool::jsonb - 'pendingReview' - 'epochSteps' - 'epochsClosed')::json, synthesis = (synthesis::jsonb - 'cost')::json, trainer = NULL, evaluations = NULL, curve = NULL, shape = 0
        WHERE "runId" = ${runId}`;
      const old = await answers(runId);
      expect(old.shown).toEqual(old.rows);
      expect(old.shown.pending).toBe(first.shown.pending);
      expect(old.shown.synthesis.modelCalls).toBe(3 * old.shown.synthesis.count);

      // An evaluation stored through the service is in the event log at once, placed at its step's close (no rebuild).
      await storeEvaluation({ db, runId, stepIndex: 1, epoch: 0, rows: [{ category: "overall", score: 0.375, progress: 0.5, n: 8 }] });
      const written = await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { updatedAt: true } });
      const stored = await answers(runId);
      expect((await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { updatedAt: true } })).updatedAt).toEqual(written.updatedAt);
      expect(stored.shown).toEqual(stored.rows);
      const stepOne = await db.step.findUniqueOrThrow({ where: { runId_index: { runId, index: 0 } }, select: { finishedAt: true } });
      expect(stored.shown.events).toContainEqual({ at: stepOne.finishedAt!.getTime(), text: "Held-out evaluation after step 1: 37.5 % of 8 tasks" });
    }
  });

  it("give the external trainer's acknowledged steps as the rows hold them: rebuilt when missing or stale, current after each ack", async () => {
    const { runId } = await fillSyntheticRun({ db, steps: 8, tasks: 12, k: 4, epochs: 2, seed: 5, config: { trainer: "external" } });
    const published = new Date(Date.now() - 60_000);
    await db.step.updateMany({ where: { runId }, data: { publishedAt: published } });
    await db.$executeRaw`UPDATE "Step" SET "ackedAt" = "publishedAt" + make_interval(secs => 1.5 + index), "ackedPolicyVersion" = index + 1,
      "trainerMetrics" = json_build_object('loss', 1.0 / (index + 1), 'lr', 0.5)::jsonb WHERE "runId" = ${runId} AND index < 3`;
    const fromRows = async () =>
      (await db.step.findMany({ where: { runId, ackedAt: { not: null } }, orderBy: { index: "asc" }, select: { index: true, ackedPolicyVersion: true, publishedAt: true, ackedAt: true, trainerMetrics: true } })).map((s) => ({
        stepIndex: s.index,
        policyVersion: s.ackedPolicyVersion,
        trainSeconds: (s.ackedAt!.getTime() - s.publishedAt!.getTime()) / 1000,
        metrics: s.trainerMetrics,
      }));
    // No aggregate yet: built on read.
    const first = await getTrainerMetricsSeries({ db, runId });
    expect(first).toEqual(await fromRows());
    expect(first.map((s) => s.trainSeconds)).toEqual([1.5, 2.5, 3.5]);
    // An ack through the service is seen at once (the ack's transaction rewrites the trainer part; no rebuild on read).
    await db.step.updateMany({ where: { runId, index: { gte: 3 } }, data: { ackedAt: null, ackedPolicyVersion: null, trainerMetrics: undefined } });
    await db.run.update({ where: { id: runId }, data: { policyVersion: 3 } });
    await ackBatch({ db, jobs: { send: async () => {} }, runId, stepIndex: 3, policyVersion: 4, metrics: { loss: 0.2, kl: 0.01 } });
    const afterAck = await getTrainerMetricsSeries({ db, runId });
    expect(afterAck).toEqual(await fromRows());
    expect(afterAck.at(-1)).toMatchObject({ stepIndex: 3, policyVersion: 4, metrics: { loss: 0.2, kl: 0.01 } });
    // Rows changed behind its back, and the aggregate stale or from before the column: rebuilt.
    await db.step.update({ where: { runId_index: { runId, index: 0 } }, data: { trainerMetrics: { loss: 9 } } });
    await db.runAggregate.update({ where: { runId }, data: { atStep: -1 } });
    expect(await getTrainerMetricsSeries({ db, runId })).toEqual(await fromRows());
    await db.step.update({ where: { runId_index: { runId, index: 1 } }, data: { trainerMetrics: { loss: 8 } } });
    await db.$executeRaw`UPDATE "RunAggregate" SET trainer = NULL, shape = 0 WHERE "runId" = ${runId}`;
    const rebuilt = await getTrainerMetricsSeries({ db, runId });
    expect(rebuilt).toEqual(await fromRows());
    expect(rebuilt.slice(0, 2).map((s) => s.metrics)).toEqual([{ loss: 9 }, { loss: 8 }]);
  });

  describe("kept by the loop", () => {
    const loop = useLoopWorker(db);
    it("equal the rows' answers at the end of a real run without a rebuild on read", async () => {
      const config = { mode: "rods", epochs: 3, k: 4, batchSize: 16, limitSeeds: 32, evalLimit: 16, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 5, beta: 0.5 };
      const runId = (await createRun({ db, jobs: loop.jobs(), config })).id;
      expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 240_000)).toBe("completed");
      await expect.poll(() => db.synthesisAttempt.count({ where: { runId, outcome: "running" } }), { timeout: 60_000 }).toBe(0);
      const kept = await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { updatedAt: true } });
      const end = await answers(runId);
      expect(end.shown).toEqual(end.rows);
      expect(end.shown.events.some((e) => e.text.includes("injected"))).toBe(true);
      // Reading wrote nothing: the loop kept every key current.
      expect((await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { updatedAt: true } })).updatedAt).toEqual(kept.updatedAt);
    }, 400_000);
  });
});
