// The step total a user watches while a run goes: planned against done, and every move of the total explained by
// the epoch whose pool moved it. A real rods run on the real queue (simulated learner, procedural synthesis).
import { describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { useLoopWorker } from "../../test/run-helpers";
import { listRunsOverview } from "./monitor-service";
import { createRun } from "./runs-service";
import { getRunStepPlan, type TRunStepPlan } from "./step-plan-service";

const db = testDb();

// 20 seeds in batches of 2: any injection or retirement of an odd number of tasks changes the steps of an epoch.
const config = { mode: "rods", epochs: 3, k: 4, batchSize: 2, limitSeeds: 20, evalLimit: 20, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 11 };

describe("the step plan of a running run", () => {
  const worker = useLoopWorker(db);

  it("shows the creation plan first, and never moves the total without saying at which epoch and why", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config });
    expect(run.totalSteps).toBe(30); // 3 epochs × 20 seeds / 2 per step

    const seen: TRunStepPlan[] = [];
    let status = "queued";
    const deadline = Date.now() + 400_000;
    while (status !== "completed" && status !== "failed" && Date.now() < deadline) {
      seen.push(await getRunStepPlan({ db, runId: run.id }));
      status = (await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } })).status;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(status).toBe("completed");
    seen.push(await getRunStepPlan({ db, runId: run.id }));

    expect(seen[0]).toMatchObject({ total: 30, initialTotal: 30, epochs: 3 });
    for (let i = 1; i < seen.length; i++) {
      const [before, now] = [seen[i - 1]!, seen[i]!];
      expect(now.stepsDone).toBeGreaterThanOrEqual(before.stepsDone);
      expect(now.stepsDone).toBeLessThanOrEqual(now.total);
      expect(now.initialTotal).toBe(30);
      if (now.total !== before.total) {
        // The move is explained, by a change that was not there before, ending at the total now shown.
        const explained = now.changes.slice(before.changes.length);
        expect(explained.length, `total moved ${before.total} → ${now.total} without an explanation`).toBeGreaterThan(0);
        expect(explained.at(-1)).toMatchObject({ totalAfter: now.total });
        expect(explained[0]!.totalBefore).toBe(before.total);
        expect(explained[0]!.text).toMatch(/^plan changed at epoch [23]: pool (grew|shrank) from \d+ to \d+ tasks → \d+ steps per epoch \(was \d+\), \d+ steps in total \(was \d+\)$/);
      } else {
        expect(now.changes).toEqual(before.changes);
      }
    }

    // The finished run: the total is the steps it took, each epoch as the pool then allowed, the list agrees.
    const last = seen.at(-1)!;
    const steps = await db.step.groupBy({ by: ["epoch"], where: { runId: run.id }, _count: { _all: true }, orderBy: { epoch: "asc" } });
    expect(last.stepsByEpoch).toEqual(steps.map((s) => s._count._all));
    expect(last.total).toBe(last.stepsDone);
    expect(last.total).toBe(steps.reduce((n, s) => n + s._count._all, 0));
    const [listed] = await listRunsOverview({ db, limit: 1 });
    expect(listed!.progress).toMatchObject({ stepsDone: last.total, totalSteps: last.total });
    // This run's injection and retirement did move the plan (the point of the test), and each move is one epoch's.
    expect(last.changes.length).toBeGreaterThan(0);
    expect(new Set(last.changes.map((c) => c.epoch)).size).toBe(last.changes.length);
  }, 600_000);

  it("plans a rollout budget from the start: the total neither moves nor drops when the budget ends the run", async () => {
    // 8 seeds in full batches of 4, K 4: 16 rollouts a step; 100 rollouts let 7 steps start (the 7th at 96).
    const budgeted = { mode: "static", epochs: 50, k: 4, batchSize: 4, limitSeeds: 8, evalLimit: 8, evalEveryEpochs: 100, seed: 3, budgetRollouts: 100 };
    const run = await createRun({ db, jobs: worker.jobs(), config: budgeted });
    expect(run.totalSteps).toBe(7);
    const totals = new Set<number>();
    let status = "queued";
    const deadline = Date.now() + 300_000;
    while (status !== "completed" && status !== "failed" && Date.now() < deadline) {
      totals.add((await getRunStepPlan({ db, runId: run.id })).total);
      status = (await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } })).status;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(status).toBe("completed");
    const plan = await getRunStepPlan({ db, runId: run.id });
    expect([...totals]).toEqual([7]); // every look while it ran
    expect(plan).toMatchObject({ stepsDone: 7, total: 7, initialTotal: 7, budgetCap: 7, changes: [] });
    expect(await db.step.count({ where: { runId: run.id, status: "done" } })).toBe(7);
  }, 400_000);
});
