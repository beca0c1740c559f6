// The summary of a run, per epoch, computed in SQL from the per-step aggregates (never by scanning rollouts).
import type { Db } from "../db";
import type { TRunConfig } from "../rods/config";

export interface HeldOut {
  overall: number | null;
  progress: number | null;
  byCategory: Record<string, number>;
}

export interface RunSummary {
  runId: string;
  mode: string;
  status: string;
  epochs: number;
  steps: number;
  rollouts: number;
  infraFailures: number;
  informativeFraction: (number | null)[];
  meanPhi: (number | null)[];
  regions: { hard: number; boundary: number; mastered: number }[];
  synthesized: { attempted: number; accepted: number; byError: Record<string, number> };
  injected: number[];
  retired: { burnIn: number; mastered: number; unsolvable: number; pruned: number };
  heldOut: { initial: HeldOut | null; final: HeldOut | null };
  wallSeconds: number | null;
}

type RegionCounts = { seed?: Record<string, number>; synthesized?: Record<string, number> };

export async function summarizeRun({ db, runId }: { db: Db; runId: string }): Promise<RunSummary> {
  const run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { id: true, mode: true, status: true, config: true, startedAt: true, finishedAt: true } });
  const config = run.config as unknown as TRunConfig;
  const perEpoch = await db.$queryRaw<{ epoch: number; inf: number | null; phi: number | null; steps: bigint }[]>`
    SELECT epoch, avg("informativeFraction") AS inf, avg("meanPhi") AS phi, count(*) AS steps
    FROM "Step" WHERE "runId" = ${runId} AND status = 'done' GROUP BY epoch ORDER BY epoch`;
  const stepRows = await db.step.findMany({ where: { runId, status: "done" }, select: { epoch: true, regions: true } });
  const totals = await db.step.aggregate({ where: { runId, status: "done" }, _count: { _all: true }, _sum: { numRollouts: true, infraFailures: true } });
  // A run ended by its budget reports the epochs it reached, not the configured upper bound.
  const epochCount = config.budgetSteps == null && config.budgetRollouts == null ? config.epochs : Math.min(config.epochs, Math.max(1, ...perEpoch.map((e) => e.epoch + 1)));
  const regions = Array.from({ length: epochCount }, () => ({ hard: 0, boundary: 0, mastered: 0 }));
  for (const s of stepRows) {
    const r = s.regions as RegionCounts | null;
    for (const side of [r?.seed, r?.synthesized]) for (const key of ["hard", "boundary", "mastered"] as const) regions[s.epoch]![key] += side?.[key] ?? 0;
  }
  const byEpoch = new Map(perEpoch.map((e) => [e.epoch, e]));
  const attempts = await db.synthesisAttempt.groupBy({ by: ["outcome", "errorType"], where: { runId }, _count: { _all: true } });
  const byError: Record<string, number> = {};
  let attempted = 0;
  let accepted = 0;
  for (const a of attempts) {
    if (a.outcome === "cancelled") continue; // the run was cancelled: never attempted
    attempted += a._count._all;
    if (a.outcome === "accepted") accepted += a._count._all;
    if (a.errorType) byError[a.errorType] = (byError[a.errorType] ?? 0) + a._count._all;
  }
  const injectedRows = await db.poolEntry.groupBy({ by: ["enteredEpoch"], where: { runId, isSeed: false, enteredEpoch: { not: null } }, _count: { _all: true } });
  const injected = Array.from({ length: epochCount }, (_, e) => injectedRows.find((r) => r.enteredEpoch === e + 1)?._count._all ?? 0);
  const retiredRows = await db.poolEntry.groupBy({ by: ["retireReason"], where: { runId, state: "retired" }, _count: { _all: true } });
  const retiredOf = (reason: string) => retiredRows.find((r) => r.retireReason === reason)?._count._all ?? 0;
  const evals = await db.evaluation.findMany({ where: { runId }, select: { stepIndex: true, category: true, score: true, progress: true }, orderBy: { stepIndex: "asc" } });
  const heldOutAt = (stepIndex: number | undefined): HeldOut | null => {
    if (stepIndex === undefined) return null;
    const rows = evals.filter((e) => e.stepIndex === stepIndex);
    const overall = rows.find((r) => r.category === "overall");
    return {
      overall: overall?.score ?? null,
      progress: overall?.progress ?? null,
      byCategory: Object.fromEntries(rows.filter((r) => r.category !== "overall").map((r) => [r.category, r.score])),
    };
  };
  const evalSteps = [...new Set(evals.map((e) => e.stepIndex))];
  return {
    runId,
    mode: run.mode,
    status: run.status,
    epochs: epochCount,
    steps: totals._count._all,
    rollouts: totals._sum.numRollouts ?? 0,
    infraFailures: totals._sum.infraFailures ?? 0,
    informativeFraction: Array.from({ length: epochCount }, (_, e) => byEpoch.get(e)?.inf ?? null),
    meanPhi: Array.from({ length: epochCount }, (_, e) => byEpoch.get(e)?.phi ?? null),
    regions,
    synthesized: { attempted, accepted, byError },
    injected,
    retired: { burnIn: retiredOf("burn_in"), mastered: retiredOf("mastered"), unsolvable: retiredOf("unsolvable"), pruned: retiredOf("pruned") },
    heldOut: { initial: heldOutAt(evalSteps[0]), final: evalSteps.length > 1 ? heldOutAt(evalSteps.at(-1)) : null },
    wallSeconds: run.startedAt && run.finishedAt ? (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000 : null,
  };
}
