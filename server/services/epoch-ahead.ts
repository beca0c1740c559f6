// Epoch plans: the steps (batches of tasks) of an epoch from the active pool, and the next epoch's plan made before
// the current one ends when its pool cannot change at the boundary (isPoolFrozenAfter), so that roll-ahead carries on
// across the boundary instead of leaving the policy server idle while the epoch closes and the next one is planned.
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { batchesOf, epochOrder, fullBatchesOf } from "../rods/buffer";
import type { TRunConfig } from "../rods/config";

type Tx = Prisma.TransactionClient;

/** The batches of `epoch`, in order, from the pool's active tasks now. */
export async function epochBatches({ tx, runId, config, epoch }: { tx: Tx; runId: string; config: TRunConfig; epoch: number }): Promise<string[][]> {
  const active = await tx.poolEntry.findMany({ where: { runId, state: "active" }, select: { taskId: true }, orderBy: { taskId: "asc" } });
  const order = epochOrder({ taskIds: active.map((a) => a.taskId), epoch, runSeed: config.seed });
  // A budgeted run compares by steps: full batches make equal steps equal rollouts across modes.
  const isBudgeted = config.budgetSteps != null || config.budgetRollouts != null;
  return isBudgeted ? fullBatchesOf(order, config.batchSize) : batchesOf(order, config.batchSize);
}

export type PlannedStep = { index: number; epoch: number; status: string; taskIds: string[] };

/**
 * The steps of the epoch after `epoch`, planned now if they are not yet (numbered from `firstIndex`, the index after
 * this epoch's last step). Only while the run is still in `epoch`; the caller checks that its pool is frozen.
 */
export async function nextEpochSteps({ db, runId, config, epoch, firstIndex }: { db: Db; runId: string; config: TRunConfig; epoch: number; firstIndex: number }): Promise<PlannedStep[]> {
  const select = { index: true, epoch: true, status: true, taskIds: true } as const;
  const planned = await db.step.findMany({ where: { runId, epoch: epoch + 1 }, select, orderBy: { index: "asc" } });
  if (planned.length > 0) return planned;
  return db.$transaction(async (tx) => {
    // Serialised with the driver's other moves on this run (the same row lock).
    const [run] = await tx.$queryRaw<{ currentEpoch: number }[]>`SELECT "currentEpoch" FROM "Run" WHERE id = ${runId} FOR UPDATE`;
    if (!run || run.currentEpoch !== epoch) return [];
    if ((await tx.step.count({ where: { runId, epoch: epoch + 1 } })) > 0) return tx.step.findMany({ where: { runId, epoch: epoch + 1 }, select, orderBy: { index: "asc" } });
    const batches = await epochBatches({ tx, runId, config, epoch: epoch + 1 });
    await tx.step.createMany({
      data: batches.map((taskIds, i) => ({ runId, index: firstIndex + i, epoch: epoch + 1, stepInEpoch: i, taskIds })),
      skipDuplicates: true,
    });
    return tx.step.findMany({ where: { runId, epoch: epoch + 1 }, select, orderBy: { index: "asc" } });
  });
}
