// The runs list: each run with its newest informative fraction and newest overall held-out score.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import type { RunMode, RunStatus } from "../../generated/prisma/enums";

interface OverviewRow {
  id: string;
  name: string;
  mode: RunMode;
  status: RunStatus;
  statusReason: string | null;
  trainerWaitingSince: Date | null;
  datasetName: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  tags: string[];
  archivedAt: Date | null;
  currentStep: number;
  totalSteps: number | null;
  currentEpoch: number;
  epochs: number;
  stepIndex: number | null;
  informativeFraction: number | null;
  heldOutStep: number | null;
  heldOutScore: number | null;
  heldOutProgress: number | null;
}

/** Newest first, as runs-service's listRuns orders them; archived runs only when asked for; `tag`: runs carrying it. */
export async function listRunsOverview({ db, limit = 100, tag, includeArchived }: { db: Db; limit?: number; tag?: string; includeArchived?: boolean }) {
  // One query: the runs with their dataset, and one backward index scan per run for its newest finished step and
  // its newest overall held-out score.
  const rows = await db.$queryRaw<OverviewRow[]>`
    SELECT r.id, r.name, r.mode, r.status, r."statusReason", r."trainerWaitingSince", d.name AS "datasetName", r."createdAt", r."startedAt",
           r."finishedAt", r.tags, r."archivedAt", r."currentStep", r."totalSteps", r."currentEpoch", (r.config->>'epochs')::int AS epochs,
           s.index AS "stepIndex", s."informativeFraction", e."stepIndex" AS "heldOutStep", e.score AS "heldOutScore", e.progress AS "heldOutProgress"
    FROM "Run" r
    JOIN "Dataset" d ON d.id = r."datasetId"
    LEFT JOIN LATERAL (
      SELECT index, "informativeFraction" FROM "Step"
      WHERE "runId" = r.id AND status = 'done' AND "informativeFraction" IS NOT NULL
      ORDER BY index DESC LIMIT 1
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT "stepIndex", score, progress FROM "Evaluation"
      WHERE "runId" = r.id AND split = 'test' AND category = 'overall'
      ORDER BY "stepIndex" DESC LIMIT 1
    ) e ON true
    WHERE ${includeArchived ? Prisma.sql`true` : Prisma.sql`r."archivedAt" IS NULL`} ${tag ? Prisma.sql`AND ${tag} = ANY(r.tags)` : Prisma.empty}
    ORDER BY r."createdAt" DESC
    LIMIT ${limit}`;
  return rows.map((run) => ({
    id: run.id,
    name: run.name,
    mode: run.mode,
    status: run.status,
    statusReason: run.statusReason,
    trainerWaitingSince: run.trainerWaitingSince,
    datasetName: run.datasetName,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    tags: run.tags,
    archivedAt: run.archivedAt,
    progress: { stepsDone: run.currentStep, totalSteps: run.totalSteps, epoch: run.currentEpoch, epochs: run.epochs },
    informativeFraction: run.informativeFraction,
    informativeFractionStep: run.stepIndex,
    heldOutScore: run.heldOutScore,
    heldOutProgress: run.heldOutProgress,
    heldOutStep: run.heldOutStep,
  }));
}

export type RunOverview = Awaited<ReturnType<typeof listRunsOverview>>[number];
