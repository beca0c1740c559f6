// The runs list: each run with its newest informative fraction and newest overall held-out score.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { listRuns } from "../runs-service";

export async function listRunsOverview({ db, limit = 100, tag, includeArchived }: { db: Db; limit?: number; tag?: string; includeArchived?: boolean }) {
  const runs = await listRuns({ db, limit, tag, includeArchived });
  if (runs.length === 0) return [];
  const ids = runs.map((r) => r.id);
  // One backward index scan per run for its newest step and newest overall held-out score.
  const [latestSteps, latestEvals] = await Promise.all([
    db.$queryRaw<{ runId: string; stepIndex: number; informativeFraction: number }[]>(Prisma.sql`
      SELECT r.id AS "runId", s.index AS "stepIndex", s."informativeFraction"
      FROM unnest(${ids}::text[]) AS r(id)
      CROSS JOIN LATERAL (
        SELECT index, "informativeFraction" FROM "Step"
        WHERE "runId" = r.id AND status = 'done' AND "informativeFraction" IS NOT NULL
        ORDER BY index DESC LIMIT 1
      ) s`),
    db.$queryRaw<{ runId: string; stepIndex: number; score: number; progress: number }[]>(Prisma.sql`
      SELECT r.id AS "runId", e."stepIndex", e.score, e.progress
      FROM unnest(${ids}::text[]) AS r(id)
      CROSS JOIN LATERAL (
        SELECT "stepIndex", score, progress FROM "Evaluation"
        WHERE "runId" = r.id AND split = 'test' AND category = 'overall'
        ORDER BY "stepIndex" DESC LIMIT 1
      ) e`),
  ]);
  const stepOf = new Map(latestSteps.map((s) => [s.runId, s]));
  const evalOf = new Map(latestEvals.map((e) => [e.runId, e]));
  return runs.map((run) => ({
    id: run.id,
    name: run.name,
    mode: run.mode,
    status: run.status,
    statusReason: run.statusReason,
    trainerWaitingSince: run.trainerWaitingSince,
    datasetName: run.dataset.name,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    tags: run.tags,
    archivedAt: run.archivedAt,
    progress: { stepsDone: run.currentStep, totalSteps: run.totalSteps, epoch: run.currentEpoch, epochs: run.config.epochs },
    informativeFraction: stepOf.get(run.id)?.informativeFraction ?? null,
    informativeFractionStep: stepOf.get(run.id)?.stepIndex ?? null,
    heldOutScore: evalOf.get(run.id)?.score ?? null,
    heldOutProgress: evalOf.get(run.id)?.progress ?? null,
    heldOutStep: evalOf.get(run.id)?.stepIndex ?? null,
  }));
}

export type RunOverview = Awaited<ReturnType<typeof listRunsOverview>>[number];
