// The compare page's numbers on a real database: two synthetic runs evaluated at different steps, checked against
// the stored Step and Evaluation rows they summarise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { fillSyntheticRun, type SyntheticRun } from "../../test/fixtures/synthetic-run";
import { disconnectDb } from "../db";
import { compareRuns } from "./monitor-service";

const db = testDb();
let every: SyntheticRun;
let sparse: SyntheticRun;

describe("compare curves and summary", () => {
  beforeAll(async () => {
    every = await fillSyntheticRun({ db, steps: 12, tasks: 20, k: 4, epochs: 4, name: "compare every epoch", seed: 5 });
    sparse = await fillSyntheticRun({ db, steps: 12, tasks: 20, k: 4, epochs: 4, mode: "static", name: "compare every 2nd epoch", seed: 5, config: { evalEveryEpochs: 2 } });
  });
  afterAll(async () => {
    await disconnectDb();
  });

  it("puts both runs on 1-based steps, rollouts consumed and seconds, evaluations at the step they followed", async () => {
    const c = await compareRuns({ db, runIds: [every.runId, sparse.runId] });
    const stored = await db.step.findMany({ where: { runId: every.runId, status: "done" }, orderBy: { index: "asc" }, select: { numRollouts: true, finishedAt: true } });
    const run = await db.run.findUniqueOrThrow({ where: { id: every.runId }, select: { startedAt: true } });
    const curve = c.curves[0]!;
    expect(curve.steps.map((s) => s.step)).toEqual(stored.map((_, i) => i + 1));
    let cumulative = 0;
    curve.steps.forEach((s, i) => {
      cumulative += stored[i]!.numRollouts;
      expect(s.rollouts).toBe(cumulative);
      expect(s.wallSeconds).toBeCloseTo((stored[i]!.finishedAt!.getTime() - run.startedAt!.getTime()) / 1000, 3);
    });
    // every epoch (3 steps) vs every second epoch: evaluated after different steps
    expect(curve.heldOut.map((h) => h.step)).toEqual([0, 3, 6, 9, 12]);
    expect(c.curves[1]!.heldOut.map((h) => h.step)).toEqual([0, 6, 12]);
    const afterSix = curve.heldOut.find((h) => h.step === 6)!;
    expect(afterSix.rollouts).toBe(curve.steps[5]!.rollouts);
    expect(curve.heldOut[0]).toMatchObject({ step: 0, rollouts: 0, wallSeconds: 0 });
  });

  it("summarises each run from its stored rows: final and best held-out, informative area, rollouts, wall time", async () => {
    const c = await compareRuns({ db, runIds: [every.runId, sparse.runId] });
    for (const [i, r] of [every, sparse].entries()) {
      const evals = await db.evaluation.findMany({ where: { runId: r.runId, category: "overall", split: "test" }, orderBy: { stepIndex: "asc" } });
      const steps = await db.step.findMany({ where: { runId: r.runId, status: "done" }, select: { numRollouts: true, informativeFraction: true } });
      const summary = c.runs[i]!.summary;
      expect(summary.finalHeldOut).toBe(evals.at(-1)!.score);
      expect(summary.bestHeldOut).toBe(Math.max(...evals.map((e) => e.score)));
      expect(summary.rollouts).toBe(steps.reduce((n, s) => n + s.numRollouts, 0));
      expect(summary.informativeAuc).toBeCloseTo(steps.reduce((n, s) => n + (s.informativeFraction ?? 0), 0), 9);
      expect(summary.steps).toBe(12);
      expect(summary.wallSeconds).toBeGreaterThan(0);
    }
  });

  it("reads the regions from the stored curve, and rebuilds a run's aggregate written before that column", async () => {
    const before = await compareRuns({ db, runIds: [every.runId, sparse.runId] });
    const stored = await db.step.findMany({ where: { runId: every.runId, status: "done" }, orderBy: { index: "asc" }, select: { regions: true } });
    type Regions = { seed?: { hard: number; boundary: number; mastered: number }; synthesized?: { hard: number; boundary: number; mastered: number } };
    const sums = stored.map(({ regions }) => {
      const r = regions as Regions;
      return { hard: r.seed!.hard + (r.synthesized?.hard ?? 0), boundary: r.seed!.boundary + (r.synthesized?.boundary ?? 0), mastered: r.seed!.mastered + (r.synthesized?.mastered ?? 0) };
    });
    expect(before.curves[0]!.steps.map(({ hard, boundary, mastered }) => ({ hard, boundary, mastered }))).toEqual(sums);
    await db.$executeRaw`UPDATE "RunAggregate" SET curve = NULL, shape = 0 WHERE "runId" = ${every.runId}`;
    expect(await compareRuns({ db, runIds: [every.runId, sparse.runId] })).toEqual(before);
    const rebuilt = await db.runAggregate.findUniqueOrThrow({ where: { runId: every.runId }, select: { curve: true } });
    expect((rebuilt.curve as { step: number[] }).step).toHaveLength(12);
  });
});
