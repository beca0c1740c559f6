// Scale-out as DESIGN.md §3 draws it: three worker processes (`npm run worker` alone, pointed at one DATABASE_URL)
// share one run through the queue; one is SIGKILLed in the middle of a step. The run completes, every step has
// exactly tasks × K rollouts (none lost, none twice). (bench/orchestration measures what the extra processes gain.)
import { spawn, type ChildProcess } from "node:child_process";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { jobSender, startQueue } from "../jobs/queue";
import { projectRoot } from "../platform/paths";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../services/import-service";
import { createRun } from "../services/runs-service";
import { resetData, testDb } from "../../test/db";
import { expectCompleteGroups, waitForRunStatus } from "../../test/run-helpers";

const db = testDb();
let sender: PgBoss;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  // Exactly what `npm run worker` runs, with only a DATABASE_URL: no web server, no embedded database.
  const child = spawn("npm", ["run", "--silent", "worker"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), RODS_WORKER_CONCURRENCY: "1" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  workers.push(child);
  return child;
}

/** The whole process group (npm → tsx → node), so a SIGKILL leaves nothing of that worker running. */
function signal(child: ChildProcess, sig: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    // already gone
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe("three worker processes on one database", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    sender = await startQueue({ url: inject("databaseUrl"), isWorker: false });
  });
  afterAll(async () => {
    await Promise.all(
      workers.map(async (w) => {
        if (w.exitCode !== null || w.signalCode !== null) return;
        signal(w, "SIGTERM");
        const timer = setTimeout(() => signal(w, "SIGKILL"), 20_000);
        await exited(w);
        clearTimeout(timer);
      }),
    );
    await sender.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("completes a run with every rollout exactly once when one of three workers is SIGKILLed mid-step", async () => {
    const k = 16;
    const all = [startWorker(), startWorker(), startWorker()];
    // All three announce themselves through their heartbeats before the run starts.
    await expect.poll(() => db.workerHeartbeat.count(), { timeout: 120_000, interval: 250 }).toBe(3);
    const run = await createRun({ db, jobs: jobSender(sender), config: { mode: "rods", epochs: 2, k, batchSize: 50, limitSeeds: 100, evalLimit: 20, seed: 5 } });
    let killedAt: { step: number; stored: number; expected: number } | undefined;
    await expect
      .poll(
        async () => {
          const step = await db.step.findFirst({ where: { runId: run.id, status: "rolling", index: { gt: 0 } }, select: { index: true, taskIds: true } });
          if (!step) return false;
          const stored = await db.rollout.count({ where: { runId: run.id, stepIndex: step.index } });
          const expected = step.taskIds.length * k;
          if (stored > 0 && stored < expected) {
            signal(all[0]!, "SIGKILL");
            killedAt = { step: step.index, stored, expected };
            return true;
          }
          return false;
        },
        { timeout: 180_000, interval: 20 },
      )
      .toBe(true);
    console.log(`killed one of three workers at step ${killedAt!.step} with ${killedAt!.stored} of ${killedAt!.expected} rollouts stored`);
    await exited(all[0]!);
    expect(await waitForRunStatus(db, run.id, ["completed", "failed"], 300_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, k);
    // Three workers starting on a loaded machine, then a killed worker's jobs expiring (60 s): more than the default.
  }, 480_000);
});
