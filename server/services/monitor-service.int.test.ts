// The monitor's SQL on a real database, against synthetic runs from the fixture: every aggregate is checked
// against the stored rows it summarises.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { fillSyntheticRun, type SyntheticRun } from "../../test/fixtures/synthetic-run";
import { createCaller } from "../api/root";
import { disconnectDb } from "../db";
import { AppError } from "../errors";
import { injectionCap } from "../rods/buffer";
import { ZRunConfig } from "../rods/config";
import {
  compareRuns,
  diffRunSettings,
  getBufferLifecycle,
  getHeldOutSeries,
  getInjectionLanding,
  getRunHeader,
  getRunSeries,
  getStepDistribution,
  getSynthesisOverview,
  listRunsOverview,
} from "./monitor-service";
import { createUser } from "./auth-service";

const db = testDb();
let rods: SyntheticRun;
let running: SyntheticRun;
let staticRun: SyntheticRun;
const now = new Date("2026-06-01T12:00:00Z");

async function notFound(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("NOT_FOUND");
}

describe("monitor service", () => {
  beforeAll(async () => {
    rods = await fillSyntheticRun({ db, steps: 24, tasks: 60, k: 6, epochs: 4, withRollouts: true, name: "monitor rods", seed: 3, reviewPolicy: "manual" });
    running = await fillSyntheticRun({ db, steps: 24, tasks: 30, k: 4, epochs: 4, stepsDone: 9, name: "monitor running", now, stepSeconds: 30 });
    staticRun = await fillSyntheticRun({ db, steps: 8, tasks: 20, k: 4, epochs: 2, mode: "static", name: "monitor static" });
  });
  afterAll(async () => {
    await disconnectDb();
  });

  it("answers NOT_FOUND for an unknown run everywhere", async () => {
    for (const call of [getRunHeader, getRunSeries, getStepDistribution, getBufferLifecycle, getSynthesisOverview, getInjectionLanding, getHeldOutSeries]) {
      await notFound(call({ db, runId: "no-such-run" }));
    }
    await notFound(compareRuns({ db, runIds: [rods.runId, "no-such-run"] }));
  });

  it("gives progress and an ETA from the mean step duration of a running run", async () => {
    const header = await getRunHeader({ db, runId: running.runId, now });
    expect(header.status).toBe("running");
    expect(header.isLive).toBe(true);
    expect(header.progress).toMatchObject({ stepsDone: 9, totalSteps: 24, epochs: 4 });
    expect(header.eta.meanStepSeconds).toBeCloseTo(30, 5);
    expect(header.eta.remainingSeconds).toBeCloseTo(15 * 30, 3);
    expect(header.eta.finishesAt?.getTime()).toBe(now.getTime() + 15 * 30 * 1000);
    expect(header.settings.find((s) => s.key === "k")).toMatchObject({ label: "K (rollouts per task)", value: "4" });

    const done = await getRunHeader({ db, runId: rods.runId });
    expect(done.isLive).toBe(false);
    expect(done.eta.remainingSeconds).toBeNull();
  });

  it("returns one series row per finished step, in order, with the stored aggregates", async () => {
    const series = await getRunSeries({ db, runId: running.runId });
    expect(series.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const stored = await db.step.findMany({ where: { runId: running.runId, status: "done" }, orderBy: { index: "asc" } });
    for (const [i, row] of series.entries()) {
      const step = stored[i]!;
      expect(row.informativeFraction).toBe(step.informativeFraction);
      expect(row.tokensIn).toBe(step.tokensIn);
      const regions = step.regions as { seed: Record<string, number>; synthesized: Record<string, number> };
      expect([row.seedHard, row.seedBoundary, row.seedMastered]).toEqual([regions.seed.hard, regions.seed.boundary, regions.seed.mastered]);
      expect((row.seedHard ?? 0) + (row.seedBoundary ?? 0) + (row.seedMastered ?? 0) + (row.synthesizedHard ?? 0) + (row.synthesizedBoundary ?? 0) + (row.synthesizedMastered ?? 0)).toBe(step.numTasks);
    }
  });

  it("bins r̄ and variance in SQL exactly as the stored task statistics fall", async () => {
    const step = 17;
    const dist = await getStepDistribution({ db, runId: rods.runId, stepIndex: step, bins: 10 });
    const stats = await db.taskStepStat.findMany({ where: { runId: rods.runId, stepIndex: step }, select: { mean: true, variance: true, region: true } });
    const binOf = (x: number, max: number) => Math.min(9, Math.floor((x / max) * 10));
    const expectedMean = Array(10).fill(0);
    const expectedVariance = Array(10).fill(0);
    for (const s of stats) {
      expectedMean[binOf(s.mean, 1)]++;
      expectedVariance[binOf(s.variance, 0.25)]++;
    }
    expect(dist.stepIndex).toBe(step);
    expect(dist.mean.counts).toEqual(expectedMean);
    expect(dist.variance.counts).toEqual(expectedVariance);
    expect(dist.totalTasks).toBe(stats.length);
    expect(dist.regionCounts.boundary).toBe(stats.filter((s) => s.region === "boundary").length);
    expect(dist.points).toHaveLength(stats.length);
    expect(dist.isSampled).toBe(false);
    for (const p of dist.points) expect(p.variance).toBeLessThanOrEqual(p.mean * (1 - p.mean) + 1e-9);
  });

  it("defaults to the newest step, and caps the points with the same sample every time", async () => {
    const newest = await getStepDistribution({ db, runId: running.runId });
    expect(newest.stepIndex).toBe(8);
    const a = await getStepDistribution({ db, runId: rods.runId, stepIndex: 5, maxPoints: 12 });
    const b = await getStepDistribution({ db, runId: rods.runId, stepIndex: 5, maxPoints: 12 });
    expect(a.points).toHaveLength(12);
    expect(a.isSampled).toBe(true);
    expect(b.points.map((p) => p.taskId)).toEqual(a.points.map((p) => p.taskId));
    const unknownStep = await getStepDistribution({ db, runId: rods.runId, stepIndex: 999 });
    expect(unknownStep.totalTasks).toBe(0);
    expect(unknownStep.mean.counts.every((c) => c === 0)).toBe(true);
  });

  it("reports the buffer per epoch: injections within the β cap, retirements by reason, the synthesized pool", async () => {
    const buffer = await getBufferLifecycle({ db, runId: rods.runId });
    expect(buffer.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    expect(buffer.epochs[0]!.injected).toBeNull();
    const entries = await db.poolEntry.findMany({ where: { runId: rods.runId }, select: { isSeed: true, enteredEpoch: true, leftEpoch: true, retireReason: true, state: true } });
    for (const e of buffer.epochs.slice(1)) {
      expect(e.injected).toBe(entries.filter((p) => !p.isSeed && p.enteredEpoch === e.epoch).length);
      const activeBefore = entries.filter((p) => p.enteredEpoch !== null && p.enteredEpoch <= e.epoch - 1 && (p.leftEpoch === null || p.leftEpoch > e.epoch - 1)).length;
      expect(e.betaCap).toBe(injectionCap(activeBefore, 0.2));
      expect(e.injected!).toBeLessThanOrEqual(e.betaCap!);
    }
    const retired = buffer.epochs.reduce((n, e) => n + (e.retired ? e.retired.burn_in + e.retired.mastered + e.retired.unsolvable + e.retired.pruned : 0), 0);
    expect(retired).toBe(entries.filter((p) => p.state === "retired").length);
    expect(buffer.epochs.some((e) => e.injected! > 0)).toBe(true);
    expect(buffer.now.staged + buffer.now.activeSeeds + buffer.now.activeSynthesized + buffer.now.retired).toBe(entries.length);

    const open = await getBufferLifecycle({ db, runId: running.runId });
    expect(open.epochs.at(-1)!.retired).toBeNull();
    const none = await getBufferLifecycle({ db, runId: staticRun.runId });
    expect(none).toMatchObject({ synthesizes: false, retires: false });
    expect(none.epochs.every((e) => e.betaCap === null)).toBe(true);
  });

  it("derives a monotone synthesis funnel and an error taxonomy that adds up to the dropped attempts", async () => {
    const s = await getSynthesisOverview({ db, runId: rods.runId });
    const counts = s.funnel.map((f) => f.count);
    expect(s.funnel.map((f) => f.key)).toEqual(["attempted", "planned", "executed", "rewritten", "passedGates", "accepted", "approved"]);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
    expect(counts[0]).toBe(await db.synthesisAttempt.count({ where: { runId: rods.runId } }));
    expect(counts[5]).toBe(await db.synthesisAttempt.count({ where: { runId: rods.runId, outcome: "accepted" } }));
    expect(counts[6]).toBe(await db.task.count({ where: { childAttempts: { some: { runId: rods.runId } }, reviewState: "approved" } }));
    expect(s.pendingReview).toBeGreaterThan(0);
    expect(s.errors.reduce((n, e) => n + e.count, 0)).toBe(s.dropped);
    expect(s.dropped + counts[5]! + s.running).toBe(counts[0]);
    // planned excludes attempts dropped in plan; passed gates includes judge drops whose gates all passed.
    const plan = await db.synthesisAttempt.count({ where: { runId: rods.runId, outcome: "dropped", stageReached: "plan" } });
    expect(counts[1]).toBe(counts[0]! - plan - s.running);
  });

  it("bins the first r̄ of injected tasks and splits them by the boundary band", async () => {
    const landing = await getInjectionLanding({ db, runId: rods.runId });
    const injected = await db.poolEntry.findMany({ where: { runId: rods.runId, isSeed: false, enteredEpoch: { not: null } }, select: { firstMean: true } });
    expect(landing.injected).toBe(injected.length);
    const observed = injected.filter((p) => p.firstMean !== null);
    expect(landing.histogram.counts.reduce((a, b) => a + b, 0)).toBe(observed.length);
    expect(landing.hard + landing.boundary + landing.mastered).toBe(observed.length);
    expect(landing.boundary).toBe(observed.filter((p) => p.firstMean! >= 0.2 && p.firstMean! <= 0.85).length);
    expect(landing.thresholds).toEqual({ alphaMinus: 0.2, alphaPlus: 0.85, burnInThreshold: 0.2 });
  });

  it("returns held-out points overall and per category in step order", async () => {
    const points = await getHeldOutSeries({ db, runId: rods.runId });
    expect(points.length).toBe(await db.evaluation.count({ where: { runId: rods.runId } }));
    expect(points[0]!.stepIndex).toBe(0);
    expect(new Set(points.map((p) => p.category))).toEqual(new Set(["overall", "base", "long_context", "miss_func", "miss_param"]));
    expect([...points.map((p) => p.stepIndex)]).toEqual([...points.map((p) => p.stepIndex)].sort((a, b) => a - b));
  });

  it("lists runs with their newest informative fraction and held-out score", async () => {
    const list = await listRunsOverview({ db });
    const row = list.find((r) => r.id === running.runId)!;
    const last = await db.step.findUniqueOrThrow({ where: { runId_index: { runId: running.runId, index: 8 } } });
    expect(row).toMatchObject({ status: "running", progress: { stepsDone: 9, totalSteps: 24 }, informativeFractionStep: 8, informativeFraction: last.informativeFraction });
    const lastEval = await db.evaluation.findFirstOrThrow({ where: { runId: running.runId, category: "overall" }, orderBy: { stepIndex: "desc" } });
    expect(row.heldOutScore).toBe(lastEval.score);
    expect(list.map((r) => r.id)).toEqual(expect.arrayContaining([rods.runId, staticRun.runId]));
  });

  it("compares runs: curves per run and only the settings that differ", async () => {
    const c = await compareRuns({ db, runIds: [rods.runId, staticRun.runId] });
    expect(c.runs.map((r) => r.id)).toEqual([rods.runId, staticRun.runId]);
    expect(c.curves[1]!.steps).toHaveLength(8);
    const keys = c.settings.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(["mode", "epochs", "k", "datasetName"]));
    expect(keys).not.toContain("alphaMinus");
    expect(c.settings.find((s) => s.key === "mode")!.values).toEqual(["rods", "static"]);
  });

  it("diffs settings including nested ones, '—' where a run lacks one", () => {
    const a = ZRunConfig.parse({ k: 8 });
    const b = ZRunConfig.parse({ k: 8, policy: { kind: "openai", baseUrl: "http://x.invalid/v1", model: "m" } });
    const rows = diffRunSettings([a, b]);
    expect(rows.find((r) => r.key === "policy.kind")!.values).toEqual(["simulated", "openai"]);
    expect(rows.find((r) => r.key === "policy.model")!.values).toEqual(["—", "m"]);
    expect(rows.some((r) => r.key === "k")).toBe(false);
    expect(diffRunSettings([a, a])).toEqual([]);
  });

  it("lets only the run's owner or an admin pause or cancel it through the router", async () => {
    const anonymous = createCaller({ db, headers: new Headers(), user: null });
    await expect(anonymous.runs.pause({ id: running.runId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.runs.cancel({ id: running.runId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await anonymous.runs.get({ id: running.runId })).toMatchObject({ status: "running" });

    const member = await createUser({ db, email: `monitor-member-${Date.now()}@rods.local`, name: "Not The Owner", password: "a long enough password", role: "member" });
    const notOwner = createCaller({ db, headers: new Headers(), user: member });
    await expect(notOwner.runs.pause({ id: running.runId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await anonymous.runs.get({ id: running.runId })).toMatchObject({ status: "running" });

    const user = await createUser({ db, email: `monitor-${Date.now()}@rods.local`, name: "Monitor Tester", password: "a long enough password", role: "admin" });
    const signedIn = createCaller({ db, headers: new Headers(), user });
    expect(await signedIn.runs.pause({ id: running.runId })).toMatchObject({ status: "paused", statusReason: "Paused by Monitor Tester." });
    await expect(signedIn.runs.pause({ id: running.runId })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await signedIn.runs.cancel({ id: running.runId })).toMatchObject({ status: "cancelled" });
    await expect(signedIn.runs.get({ id: "no-such-run" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
