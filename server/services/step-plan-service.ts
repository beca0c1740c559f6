// The step plan of a run (rule: server/rods/step-plan.ts): planned against done, and why the total moved. Read by
// the monitor (from the run's RunAggregate: the pool's counts and the steps planned per epoch), and by the driver
// when it plans an epoch (from the rows, in its transaction; so Run.totalSteps, shown in lists, follows the same rule).
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import type { TRunConfig } from "../rods/config";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, POOL_SET, readFresh, type Freshness, type PoolGroup } from "./monitor/run-aggregate";
import { describePlanChange, planRunSteps, type TEpochKnown, type TPlanSettings, type TStepPlan } from "../rods/step-plan";

type Reader = Db | Prisma.TransactionClient;

const settingsOf = (config: TRunConfig): TPlanSettings => ({
  epochs: config.epochs,
  batchSize: config.batchSize,
  k: config.k,
  budgetSteps: config.budgetSteps,
  budgetRollouts: config.budgetRollouts,
});

/** The plan made at creation: every epoch as the seeds' first, under the budgets. */
export function initialStepPlan({ config, seeds }: { config: TRunConfig; seeds: number }): TStepPlan {
  return planRunSteps({ settings: settingsOf(config), known: [{ poolSize: seeds, steps: null }] });
}

/** Each epoch up to `throughEpoch`: its active pool (from PoolEntry) and, once planned, its steps (from Step): the driver's reading, in its transaction. */
export async function knownEpochs({ db, runId, throughEpoch }: { db: Reader; runId: string; throughEpoch: number }): Promise<TEpochKnown[]> {
  const [entered, left, steps] = await Promise.all([
    db.poolEntry.groupBy({ by: ["enteredEpoch"], where: { runId, enteredEpoch: { not: null } }, _count: { _all: true } }),
    db.poolEntry.groupBy({ by: ["leftEpoch"], where: { runId, leftEpoch: { not: null } }, _count: { _all: true } }),
    db.$queryRaw<{ epoch: number; steps: number; tasksPerStep: number }[]>(Prisma.sql`
      SELECT epoch, count(*)::int AS steps, max(cardinality("taskIds"))::int AS "tasksPerStep"
      FROM "Step" WHERE "runId" = ${runId} GROUP BY epoch`),
  ]);
  const stepsOf = new Map(steps.map((s) => [s.epoch, s]));
  // Active during epoch e: entered at or before e, not retired at the close of an earlier epoch (as the driver plans).
  const poolAt = (e: number) =>
    entered.reduce((n, r) => n + (r.enteredEpoch! <= e ? r._count._all : 0), 0) - left.reduce((n, r) => n + (r.leftEpoch! < e ? r._count._all : 0), 0);
  return Array.from({ length: throughEpoch + 1 }, (_, e) => ({
    poolSize: poolAt(e),
    steps: stepsOf.get(e)?.steps ?? null,
    tasksPerStep: stepsOf.get(e)?.tasksPerStep ?? null,
  }));
}

/** The planned total after the current epoch's steps were written (the driver's hook, inside its transaction). */
export async function plannedTotalNow({ tx, runId, config, epoch }: { tx: Prisma.TransactionClient; runId: string; config: TRunConfig; epoch: number }): Promise<number> {
  const known = await knownEpochs({ db: tx, runId, throughEpoch: Math.min(epoch, config.epochs - 1) });
  return planRunSteps({ settings: settingsOf(config), known }).total;
}

export interface TRunStepPlan {
  stepsDone: number;
  /** steps planned now (a finished run: the steps it took) */
  total: number;
  initialTotal: number;
  epochs: number;
  stepsByEpoch: number[];
  budgetCap: number | null;
  /** why the total moved, oldest first, 1-based texts ("plan changed at epoch 2: pool grew from 40 to 52 tasks → …") */
  changes: { epoch: number; totalBefore: number; totalAfter: number; text: string }[];
}

/**
 * knownEpochs from the run's aggregate: the pool's counts by entered and left epoch and the steps planned per epoch,
 * which RunAggregate.pool keeps (rewritten when an epoch closes or its steps are planned).
 */
function knownFromAggregate({ groups, epochSteps, throughEpoch }: { groups: PoolGroup[]; epochSteps: { epoch: number; steps: number; tasksPerStep: number | null }[]; throughEpoch: number }): TEpochKnown[] {
  const stepsOf = new Map(epochSteps.map((s) => [s.epoch, s]));
  const entered = groups.filter((g) => g.set === POOL_SET.entered && g.enteredEpoch !== null);
  const left = groups.filter((g) => g.set === POOL_SET.left && g.leftEpoch !== null);
  const poolAt = (e: number) => entered.reduce((n, g) => n + (g.enteredEpoch! <= e ? g.n : 0), 0) - left.reduce((n, g) => n + (g.leftEpoch! < e ? g.n : 0), 0);
  return Array.from({ length: throughEpoch + 1 }, (_, e) => ({
    poolSize: poolAt(e),
    steps: stepsOf.get(e)?.steps ?? null,
    tasksPerStep: stepsOf.get(e)?.tasksPerStep ?? null,
  }));
}

export async function getRunStepPlan({ db, runId }: { db: Db; runId: string }): Promise<TRunStepPlan> {
  const [run] = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { config: unknown; status: string; groups: PoolGroup[] | null; epochSteps: { epoch: number; steps: number; tasksPerStep: number | null }[] | null })[]>`
      SELECT ${FRESHNESS_COLUMNS}, r.config, r.status::text AS status, a.pool->'groups' AS groups, a.pool->'epochSteps' AS "epochSteps"
      FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
  const config = run.config as unknown as TRunConfig;
  const known = knownFromAggregate({ groups: run.groups ?? [], epochSteps: run.epochSteps ?? [], throughEpoch: Math.min(run.currentEpoch, config.epochs - 1) });
  const plan = planRunSteps({ settings: settingsOf(config), known });
  const changes = plan.changes.map((c) => ({ epoch: c.epoch + 1, totalBefore: c.totalBefore, totalAfter: c.totalAfter, text: describePlanChange(c) }));
  let total = plan.total;
  // A finished run took the steps it took; say so when that is not the plan (a rollout budget's last step, say).
  if (run.status === "completed" && run.currentStep !== total) {
    changes.push({ epoch: Math.min(run.currentEpoch, config.epochs), totalBefore: total, totalAfter: run.currentStep, text: `the run ended after ${run.currentStep} steps (planned ${total}): its budget was spent` });
    total = run.currentStep;
  }
  return { stepsDone: run.currentStep, total, initialTotal: plan.initialTotal, epochs: config.epochs, stepsByEpoch: plan.stepsByEpoch, budgetCap: plan.budgetCap, changes };
}
