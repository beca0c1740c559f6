// Proof of the trainer seam with an out-of-process trainer over HTTP only: the simulated learner runs as an external
// trainer (`npm run rods -- trainer simulated`), serving its parameters as an OpenAI-compatible endpoint that RODS's
// openai policy rolls out against, training on published batches and acknowledging them. It must learn like a
// builtin run of the same seed, and survive being killed mid-run (nothing lost, no step trained twice).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../../db";
import { jobSender, startQueue } from "../../jobs/queue";
import { createApiKey, createUser } from "../../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { createRun } from "../../services/runs-service";
import { registerHandlers } from "../../worker/handlers";
import { resetData, testDb } from "../../../test/db";
import { expectCompleteGroups, waitForRunStatus } from "../../../test/run-helpers";
import { startApiServer, type ApiServer } from "../../../test/api-server";

const db = testDb();
let server: ApiServer;
let boss: PgBoss;
let key = "";
const children: ChildProcess[] = [];

const settings = { mode: "static", epochs: 4, k: 8, batchSize: 30, limitSeeds: 60, evalLimit: 60, evalEveryEpochs: 1, seed: 11 };

/** Starts the trainer CLI; `lines` collects its JSON lines; `waitFor` resolves on the first line matching. */
function startTrainer(args: string[]) {
  // node itself (not the tsx wrapper, whose child would outlive a SIGKILL), so the kill hits the trainer.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/rods.ts", "trainer", "simulated", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines: Record<string, any>[] = [];
  const waiters: { match: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const part of parts.filter(Boolean)) {
      const line = JSON.parse(part) as Record<string, any>;
      lines.push(line);
      for (const w of waiters.filter((x) => x.match(line))) w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = (match: (l: Record<string, any>) => boolean) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const found = lines.find(match);
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      void exited.then((code) => reject(new Error(`the trainer exited (${code}) first; lines: ${JSON.stringify(lines.slice(-5))}`)));
    });
  return { child, lines, waitFor, exited };
}

async function curves(runId: string) {
  const steps = await db.step.findMany({ where: { runId }, select: { index: true, informativeFraction: true, meanReward: true }, orderBy: { index: "asc" } });
  const heldOut = await db.evaluation.findMany({ where: { runId, category: "overall" }, select: { stepIndex: true, score: true, progress: true }, orderBy: { stepIndex: "asc" } });
  return { informative: steps.map((s) => s.informativeFraction!), meanReward: steps.map((s) => s.meanReward!), heldOut };
}

describe("the simulated learner as an external trainer process", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "sim@example.org", name: "Sim", password: "sim's password" });
    key = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer", "runs:write", "tasks:read"] })).key;
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await server?.stop();
    await boss?.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("learns like a builtin run of the same seed, killed mid-run and restarted without losing or repeating a step", { timeout: 900_000 }, async () => {
    const builtin = await createRun({ db, jobs: jobSender(boss), name: "builtin", config: settings });
    expect(await waitForRunStatus(db, builtin.id, ["completed", "failed", "paused"], 400_000)).toBe("completed");

    const state = path.join(mkdtempSync(path.join(tmpdir(), "rods-trainer-")), "state.json");
    const first = startTrainer(["--url", server.url, "--key", key, "--create", JSON.stringify({ ...settings, name: "external" }), "--state", state]);
    const port = new URL((await first.waitFor((l) => "serving" in l)).serving as string).port;
    const runId = (await first.waitFor((l) => "created" in l)).created as string;
    await first.waitFor((l) => l.trained === 2);
    first.child.kill("SIGKILL"); // mid-run, with no warning
    await first.exited;
    const second = startTrainer(["--url", server.url, "--key", key, "--run", runId, "--port", port, "--state", state]);
    expect(await second.waitFor((l) => "resumed" in l)).toMatchObject({ resumed: 3, version: 3 });
    const done = await second.waitFor((l) => l.done === true);
    expect(await second.exited).toBe(0);
    expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 60_000)).toBe("completed");

    // Nothing lost, nothing twice: every step trained once, across both processes, and acknowledged in order.
    const steps = await db.step.findMany({ where: { runId }, select: { index: true, ackedPolicyVersion: true, infraFailures: true }, orderBy: { index: "asc" } });
    const trained = [...first.lines, ...second.lines].filter((l) => typeof l.trained === "number").map((l) => l.trained as number);
    expect(trained).toEqual(steps.map((s) => s.index));
    expect(done.trainedSteps).toEqual(steps.map((s) => s.index));
    expect(JSON.parse(readFileSync(state, "utf8")).version).toBe(steps.length);
    expect(steps.map((s) => s.ackedPolicyVersion)).toEqual(steps.map((s) => s.index + 1));
    expect(steps.reduce((n, s) => n + s.infraFailures, 0)).toBe(0);
    await expectCompleteGroups(db, runId, settings.k);
    // Every rollout went through the openai policy path, and records the version that produced it.
    const versions = await db.rollout.groupBy({ by: ["stepIndex", "policyVersion"], where: { runId }, _count: { _all: true } });
    for (const v of versions) expect(v.policyVersion).toBe(v.stepIndex);
    const metrics = await db.step.findFirstOrThrow({ where: { runId, index: 0 }, select: { trainerMetrics: true } });
    expect(metrics.trainerMetrics).toMatchObject({ meanAbsAdvantage: expect.any(Number), lr: 0.5 });

    const a = await curves(builtin.id);
    const b = await curves(runId);
    console.log(JSON.stringify({ builtin: a, external: b }));
    expect(b.heldOut.map((e) => e.stepIndex)).toEqual(a.heldOut.map((e) => e.stepIndex));
    // Both learn: held-out success rises from the same start.
    expect(b.heldOut[0]!.score).toBeCloseTo(a.heldOut[0]!.score, 5);
    expect(a.heldOut.at(-1)!.score).toBeGreaterThan(a.heldOut[0]!.score);
    expect(b.heldOut.at(-1)!.score).toBeGreaterThan(b.heldOut[0]!.score);
    // Alike, not identical: both sample from the same learner, but not the same draws in the same order (job timing),
    // so a step of 30 tasks may differ by a few tasks; the curves agree on average and never far apart.
    expect(Math.abs(b.heldOut.at(-1)!.score - a.heldOut.at(-1)!.score)).toBeLessThanOrEqual(0.1);
    const gaps = a.informative.map((x, i) => Math.abs(b.informative[i]! - x));
    expect(gaps.reduce((n, g) => n + g, 0) / gaps.length).toBeLessThanOrEqual(0.1);
    for (const g of gaps) expect(g).toBeLessThanOrEqual(0.25);
  });
  it("serves the tasks RODS synthesizes during a rods run too (it reads the dataset again when a conversation is new)", { timeout: 600_000 }, async () => {
    const rods = { mode: "rods", epochs: 3, k: 4, batchSize: 20, limitSeeds: 40, evalLimit: 8, seed: 5 };
    const state = path.join(mkdtempSync(path.join(tmpdir(), "rods-trainer-")), "state.json");
    const trainer = startTrainer(["--url", server.url, "--key", key, "--create", JSON.stringify({ ...rods, name: "external rods" }), "--state", state]);
    const runId = (await trainer.waitFor((l) => "created" in l)).created as string;
    await trainer.waitFor((l) => l.done === true);
    expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 60_000)).toBe("completed");
    const synthesizedRollouts = await db.rollout.count({ where: { runId, task: { origin: "synthesized" } } });
    expect(synthesizedRollouts).toBeGreaterThan(0);
    expect(await db.rollout.count({ where: { runId, infraError: { not: null } } })).toBe(0);
    await expectCompleteGroups(db, runId, rods.k);
  });
});
