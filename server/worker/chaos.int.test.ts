// Chaos: during a run, the database server is SIGKILLed (the supervisor restarts it; the worker must survive),
// then the worker is SIGKILLed mid-step and a new one started. The run completes and every step has exactly
// tasks × K rollouts, none twice. Uses its own embedded Postgres, so killing it disturbs no other test.
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb, type Db } from "../db";
import { jobSender, startQueue } from "../jobs/queue";
import { ensureDatabaseExists, startEmbeddedPostgres, type EmbeddedDatabase } from "../platform/embedded-postgres";
import { applyMigrations } from "../platform/migrations";
import { projectRoot } from "../platform/paths";
import { superviseEmbedded } from "../platform/supervisor";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../services/import-service";
import { createRun } from "../services/runs-service";
import { expectCompleteGroups, waitForRunStatus } from "../../test/run-helpers";

const dataDir = path.join(projectRoot, ".rods", "chaos-test", "pg");
let server: EmbeddedDatabase;
let url: string;
let db: Db;
let sender: PgBoss;
const workers: ChildProcess[] = [];
const restarts: string[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker/index.ts"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url, RODS_WORKER_CONCURRENCY: "2" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  workers.push(child);
  return child;
}

const isAlive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Resolves once a step has some but not all of its rollouts stored. */
async function waitForPartialStep(runId: string, k: number): Promise<number> {
  let stepIndex = -1;
  await expect
    .poll(
      async () => {
        const step = await db.step.findFirst({ where: { runId, status: "rolling" }, select: { index: true, taskIds: true } }).catch(() => null);
        if (!step) return false;
        const stored = await db.rollout.count({ where: { runId, stepIndex: step.index } }).catch(() => 0);
        if (stored > 0 && stored < step.taskIds.length * k) {
          stepIndex = step.index;
          return true;
        }
        return false;
      },
      { timeout: 180_000, interval: 20 },
    )
    .toBe(true);
  return stepIndex;
}

describe("chaos: database and worker killed mid-run", () => {
  beforeAll(async () => {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
    server = await startEmbeddedPostgres({ dataDir, port: 54359, isDurable: false });
    superviseEmbedded({ embedded: server, log: (m) => restarts.push(m), onGiveUp: (e) => restarts.push(`gave up: ${String(e)}`) });
    await ensureDatabaseExists(server.urlFor("postgres"), "rods_chaos_test");
    url = server.urlFor("rods_chaos_test");
    await applyMigrations({ url });
    process.env.DATABASE_URL = url;
    await disconnectDb(); // a client of another test file's database must not be reused
    db = getDb();
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    sender = await startQueue({ url, isWorker: false });
  });

  afterAll(async () => {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (!isAlive(w)) return resolve();
            w.once("exit", () => resolve());
            w.kill("SIGTERM");
            setTimeout(() => w.kill("SIGKILL"), 20_000).unref();
          }),
      ),
    );
    await sender?.stop({ graceful: false, wait: true }).catch(() => {});
    await disconnectDb();
    await server?.stop();
  });

  it("completes the run with every rollout exactly once", { timeout: 600_000 }, async () => {
    const k = 8;
    const run = await createRun({ db, jobs: jobSender(sender), config: { mode: "rods", epochs: 2, k, batchSize: 20, limitSeeds: 40, evalLimit: 8, seed: 11 } });
    const worker = startWorker();

    // 1. The database dies mid-step; the supervisor starts it again and the worker keeps running.
    await waitForPartialStep(run.id, k);
    process.kill(server.pid()!, "SIGKILL");
    await expect.poll(() => restarts.some((m) => m.includes("running again")), { timeout: 120_000, interval: 250 }).toBe(true);
    await expect.poll(async () => (await db.$queryRaw`SELECT 1 AS ok`.then(() => true).catch(() => false)), { timeout: 60_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(isAlive(worker)).toBe(true);

    // 2. Then the worker dies mid-step; a new one takes over.
    await waitForPartialStep(run.id, k);
    worker.kill("SIGKILL");
    await new Promise<void>((resolve) => (isAlive(worker) ? worker.once("exit", () => resolve()) : resolve()));
    startWorker();

    expect(await waitForRunStatus(db, run.id, ["completed", "failed"], 420_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, k);
    expect(restarts.filter((m) => m.startsWith("gave up"))).toEqual([]);
  });
});
