// A worker killed with SIGKILL in the middle of a step, and a new one started: the run completes and every step
// has exactly tasks × K rollouts, none twice.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
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
  const child = spawn(path.join(projectRoot, "node_modules", ".bin", "tsx"), ["server/worker/index.ts"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), RODS_WORKER_CONCURRENCY: "2" },
    stdio: ["ignore", "inherit", "inherit"],
    // Its own process group: a SIGKILL to the tsx wrapper alone would leave the worker itself running (an orphan that
    // heartbeats and takes jobs in the next test files).
    detached: true,
  });
  workers.push(child);
  return child;
}

function signal(child: ChildProcess, sig: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    // already gone
  }
}

describe("worker crash", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    sender = await startQueue({ url: inject("databaseUrl"), isWorker: false });
  });
  afterAll(async () => {
    // A graceful stop, awaited, so no job of these workers still writes when the next test file resets the data.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            w.once("exit", () => resolve());
            signal(w, "SIGTERM");
            setTimeout(() => signal(w, "SIGKILL"), 20_000).unref();
          }),
      ),
    );
    await sender.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("loses nothing and counts nothing twice when a worker is SIGKILLed mid-step", async () => {
    const k = 16;
    const run = await createRun({ db, jobs: jobSender(sender), config: { mode: "rods", epochs: 2, k, batchSize: 50, limitSeeds: 100, evalLimit: 20, seed: 3 } });
    const first = startWorker();
    // Wait for a step that has some but not all of its rollouts, then kill the worker at once.
    let killedAt: { step: number; stored: number; expected: number } | undefined;
    await expect
      .poll(
        async () => {
          const step = await db.step.findFirst({ where: { runId: run.id, status: "rolling" }, select: { index: true, taskIds: true } });
          if (!step) return false;
          const stored = await db.rollout.count({ where: { runId: run.id, stepIndex: step.index } });
          const expected = step.taskIds.length * k;
          if (stored > 0 && stored < expected) {
            signal(first, "SIGKILL");
            killedAt = { step: step.index, stored, expected };
            return true;
          }
          return false;
        },
        { timeout: 120_000, interval: 20 },
      )
      .toBe(true);
    console.log(`killed the worker at step ${killedAt!.step} with ${killedAt!.stored} of ${killedAt!.expected} rollouts stored`);
    await new Promise<void>((resolve) => (first.exitCode !== null || first.signalCode !== null ? resolve() : first.once("exit", () => resolve())));
    startWorker();
    expect(await waitForRunStatus(db, run.id, ["completed", "failed"], 300_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, k);
  });
});
