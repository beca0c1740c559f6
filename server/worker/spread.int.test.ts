// Rollout groups spread over several worker processes: three `server/worker/index.ts` processes on one database roll
// out a run against an OpenAI-compatible server (the fake one, real HTTP). Each group's job record says which worker
// ran it (the id its heartbeat shows); the steps are shared between workers, and no worker ever held more groups
// at once than fill the policy's concurrency plus the reserve (server/rods/group-hand.ts).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { jobSender, startQueue } from "../jobs/queue";
import { projectRoot } from "../platform/paths";
import { groupsToHold } from "../rods/group-hand";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../services/import-service";
import { createRun } from "../services/runs-service";
import { resetData, testDb } from "../../test/db";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai-server";
import { expectCompleteGroups, waitForRunStatus } from "../../test/run-helpers";

const db = testDb();
let sender: PgBoss;
let fake: FakeOpenAI;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(path.join(projectRoot, "node_modules", ".bin", "tsx"), ["server/worker/index.ts"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), RODS_WORKER_CONCURRENCY: "2" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true, // its own process group, stopped whole (tsx wrapper and worker)
  });
  workers.push(child);
  return child;
}

/** Most intervals open at one instant: [start, end) per job, ends before starts at the same time. */
function maxOverlap(spans: { started: Date; completed: Date }[]): number {
  const events = spans.flatMap((s) => [[s.started.getTime(), 1] as const, [s.completed.getTime(), -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of events) most = Math.max(most, (open += d));
  return most;
}

describe("rollout groups over three worker processes", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    sender = await startQueue({ url: inject("databaseUrl"), isWorker: false });
    // Every answer is plain text after 20 ms: each user turn is one request, as a slow model's would be.
    fake = await startFakeOpenAI({ script: () => ({ hangMs: 20, then: { content: "Done." } }) });
  });
  afterAll(async () => {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            w.once("exit", () => resolve());
            const group = (sig: NodeJS.Signals) => {
              try {
                process.kill(-w.pid!, sig);
              } catch {
                // already gone
              }
            };
            group("SIGTERM");
            setTimeout(() => group("SIGKILL"), 20_000).unref();
          }),
      ),
    );
    await sender.stop({ graceful: false, wait: true });
    await fake.close();
    await disconnectDb();
  });

  it("shares each step's groups between workers, none holding more than fills the policy's concurrency", async () => {
    const k = 8;
    const concurrency = 8;
    const cap = groupsToHold({ policyConcurrency: concurrency, k, workerSlots: 2 });
    expect(cap).toBeLessThan(12); // a step of 12 groups cannot fit in one worker's hand
    startWorker();
    startWorker();
    startWorker();
    await expect.poll(() => db.workerHeartbeat.count(), { timeout: 120_000, interval: 250 }).toBe(3);
    const workerIds = new Set((await db.workerHeartbeat.findMany({ select: { id: true } })).map((w) => w.id));
    const run = await createRun({
      db,
      jobs: jobSender(sender),
      config: {
        mode: "static",
        epochs: 2,
        k,
        batchSize: 12,
        limitSeeds: 24,
        evalLimit: 4,
        policy: { kind: "openai", baseUrl: fake.url, model: "fake-model", timeoutMs: 10_000, maxRetries: 2, concurrency },
      },
    });
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 300_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, k);

    const jobs = await db.$queryRaw<{ step: number; worker: string | null; started: Date; completed: Date }[]>`
      SELECT (data->>'stepIndex')::int AS step, output->>'workerId' AS worker, started_on AS started, completed_on AS completed
      FROM pgboss.job WHERE name = 'rollout-group' AND data->>'runId' = ${run.id} AND state = 'completed'`;
    const steps = await db.step.findMany({ where: { runId: run.id }, select: { index: true, taskIds: true } });
    expect(steps.length).toBe(4); // both epochs: ticks of several workers close each epoch once
    expect(jobs).toHaveLength(steps.reduce((n, s) => n + s.taskIds.length, 0));
    // Every group names the worker that ran it, one of the three that announced themselves.
    for (const job of jobs) expect(workerIds.has(job.worker ?? "")).toBe(true);
    const byStep = steps.map((s) => new Set(jobs.filter((j) => j.step === s.index).map((j) => j.worker)).size);
    const byWorker = [...workerIds].map((id) => jobs.filter((j) => j.worker === id));
    console.log(`groups per worker: ${byWorker.map((js) => js.length).join(", ")}; workers per step: ${byStep.join(", ")}; most held at once: ${byWorker.map((js) => maxOverlap(js)).join(", ")} (cap ${cap})`);
    // A step of 12 groups is more than one hand holds, so every step is rolled out by more than one worker.
    for (const n of byStep) expect(n).toBeGreaterThan(1);
    expect(byWorker.filter((js) => js.length > 0).length).toBeGreaterThan(1);
    // Fetched (started_on) to finished (completed_on): never more than the cap in one worker's hand.
    for (const js of byWorker) expect(maxOverlap(js)).toBeLessThanOrEqual(cap);
  }, 420_000);
});
