// RunAggregate kept by the loop itself: while a real rods run works (simulated learner, procedural synthesis, the
// real queue), every snapshot of the run has its aggregate as current as its step and epoch (written in the same
// transactions); at the end the monitor's answers from it equal the ones rebuilt from the pool and the steps, and
// match counts taken from the rows; reading never rewrites it.
import { describe, expect, it } from "vitest";
import { testDb } from "../../../test/db";
import { useLoopWorker, waitForRunStatus } from "../../../test/run-helpers";
import { createRun } from "../runs-service";
import { compareRuns, getBufferLifecycle, getInjectionLanding, getRunSeries, getSynthesisOverview } from "../monitor-service";

const db = testDb();

const monitorAnswers = async (runId: string) => ({
  series: await getRunSeries({ db, runId }),
  buffer: await getBufferLifecycle({ db, runId }),
  landing: await getInjectionLanding({ db, runId }),
  synthesis: await getSynthesisOverview({ db, runId }),
  compare: await compareRuns({ db, runIds: [runId] }),
});

describe("run aggregates kept by the loop", () => {
  const loop = useLoopWorker(db);

  it("stay as current as the run's step and epoch while it runs, and equal a rebuild from the rows at the end", async () => {
    const config = { mode: "rods", epochs: 3, k: 4, batchSize: 20, limitSeeds: 40, evalLimit: 20, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 7, beta: 0.5 };
    const runId = (await createRun({ db, jobs: loop.jobs(), config })).id;

    // Snapshots while the run works: each one reads the run and its aggregate in one statement.
    const snapshots: { currentStep: number; currentEpoch: number; atStep: number | null; atEpoch: number | null }[] = [];
    let status = "queued";
    while (status !== "completed" && status !== "failed" && status !== "paused") {
      const [s] = await db.$queryRaw<{ status: string; currentStep: number; currentEpoch: number; atStep: number | null; atEpoch: number | null }[]>`
        SELECT r.status::text, r."currentStep", r."currentEpoch", a."atStep", a."atEpoch" FROM "Run" r LEFT JOIN "RunAggregate" a ON a."runId" = r.id WHERE r.id = ${runId}`;
      status = s!.status;
      snapshots.push(s!);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(status).toBe("completed");
    await expect.poll(() => db.synthesisAttempt.count({ where: { runId, outcome: "running" } }), { timeout: 60_000 }).toBe(0);
    const closed = snapshots.filter((s) => s.currentStep > 0);
    expect(closed.length).toBeGreaterThan(0);
    for (const s of closed) expect({ atStep: s.atStep, atEpoch: s.atEpoch }).toEqual({ atStep: s.currentStep, atEpoch: s.currentEpoch });

    const run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { currentStep: true, currentEpoch: true } });
    const kept = await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { atStep: true, atEpoch: true, updatedAt: true } });
    expect({ atStep: kept.atStep, atEpoch: kept.atEpoch }).toEqual({ atStep: run.currentStep, atEpoch: run.currentEpoch });

    const shown = await monitorAnswers(runId);
    // Reading wrote nothing.
    expect((await db.runAggregate.findUniqueOrThrow({ where: { runId }, select: { updatedAt: true } })).updatedAt).toEqual(kept.updatedAt);

    // What a user sees agrees with the rows themselves.
    expect(shown.series.map((s) => s.step)).toEqual(Array.from({ length: run.currentStep }, (_, i) => i));
    const steps = await db.step.findMany({ where: { runId, status: "done" }, orderBy: { index: "asc" }, select: { numRollouts: true, meanReward: true } });
    expect(shown.series.map((s) => ({ numRollouts: s.numRollouts, meanReward: s.meanReward }))).toEqual(steps);
    const injected = await db.poolEntry.findMany({ where: { runId, isSeed: false, enteredEpoch: { not: null } }, select: { firstMean: true } });
    expect(injected.length).toBeGreaterThan(0);
    expect(shown.landing.injected).toBe(injected.length);
    expect(shown.landing.unobserved).toBe(injected.filter((p) => p.firstMean === null).length);
    expect(shown.landing.histogram.counts.reduce((a, b) => a + b, 0)).toBe(injected.filter((p) => p.firstMean !== null).length);
    const byState = async (state: "staged" | "active" | "retired", isSeed?: boolean) => db.poolEntry.count({ where: { runId, state, ...(isSeed === undefined ? {} : { isSeed }) } });
    expect(shown.buffer.now).toEqual({ staged: await byState("staged"), activeSeeds: await byState("active", true), activeSynthesized: await byState("active", false), retired: await byState("retired") });
    expect(shown.synthesis.funnel.find((f) => f.key === "attempted")!.count).toBe(await db.synthesisAttempt.count({ where: { runId } }));
    expect(shown.compare.runs[0]!.summary.steps).toBe(run.currentStep);
    const evaluations = await db.evaluation.findMany({ where: { runId, split: "test", category: "overall" }, orderBy: { stepIndex: "asc" }, select: { stepIndex: true, score: true } });
    expect(evaluations.length).toBeGreaterThan(1);
    expect(shown.compare.curves[0]!.heldOut.map((h) => h.score)).toEqual(evaluations.map((e) => e.score));
    expect(shown.compare.runs[0]!.summary.finalHeldOutStep).toBe(evaluations.at(-1)!.stepIndex);

    // Rebuilt from nothing (as for a run from before the table), the answers are the same.
    await db.runAggregate.delete({ where: { runId } });
    expect(await monitorAnswers(runId)).toEqual(shown);
    expect(await db.runAggregate.count({ where: { runId } })).toBe(1);
  }, 600_000);
});
