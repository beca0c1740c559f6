// A run's header: status, settings summary, progress and the ETA from the recent steps' pace.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { getRun } from "../runs-service";
import { summarizeSettings } from "./settings";

/** Steps whose finishing times give the mean step duration behind the ETA (recent ones: the pace changes). */
const ETA_WINDOW = 20;
const LIVE_STATUSES = new Set(["queued", "running"]);

export async function getRunHeader({ db, runId, now = new Date() }: { db: Db; runId: string; now?: Date }) {
  // The run and its step timing are read together (the timing query does not need the run row).
  const [run, [timing]] = await Promise.all([
    getRun({ db, id: runId }),
    db.$queryRaw<{ done: number; n: number; first: Date | null; last: Date | null }[]>(Prisma.sql`
    WITH recent AS (
      SELECT "finishedAt" FROM "Step"
      WHERE "runId" = ${runId} AND status = 'done' AND "finishedAt" IS NOT NULL
      ORDER BY index DESC LIMIT ${ETA_WINDOW}
    )
    SELECT (SELECT count(*)::int FROM "Step" WHERE "runId" = ${runId} AND status = 'done') AS done,
           count(*)::int AS n, min("finishedAt") AS first, max("finishedAt") AS last
    FROM recent`),
  ]);
  const done = timing?.done ?? 0;
  let meanStepSeconds: number | null = null;
  if (timing && timing.n >= 2 && timing.first && timing.last) meanStepSeconds = (timing.last.getTime() - timing.first.getTime()) / 1000 / (timing.n - 1);
  else if (timing && timing.n === 1 && timing.last && run.startedAt) meanStepSeconds = (timing.last.getTime() - run.startedAt.getTime()) / 1000;
  if (meanStepSeconds !== null && !(meanStepSeconds >= 0)) meanStepSeconds = null;
  const isLive = LIVE_STATUSES.has(run.status);
  const remaining = run.totalSteps === null ? null : Math.max(0, run.totalSteps - done);
  const remainingSeconds = isLive && meanStepSeconds !== null && remaining !== null ? meanStepSeconds * remaining : null;
  const config = run.config;
  return {
    id: run.id,
    name: run.name,
    mode: run.mode,
    status: run.status,
    statusReason: run.statusReason,
    trainerWaitingSince: run.trainerWaitingSince,
    error: run.error,
    datasetName: run.dataset.name,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    notes: run.notes,
    tags: run.tags,
    archivedAt: run.archivedAt,
    createdById: run.createdById,
    isLive,
    config,
    settings: summarizeSettings(config),
    thresholds: {
      alphaMinus: config.alphaMinus,
      alphaPlus: config.alphaPlus,
      driftLow: config.driftLow,
      driftHigh: config.driftHigh,
      burnInThreshold: config.burnInThreshold,
      beta: config.beta,
      pMax: config.pMax,
    },
    progress: {
      stepsDone: done,
      totalSteps: run.totalSteps,
      /** epochs finished so far (the one running is epochsDone + 1 of epochs) */
      epochsDone: Math.min(run.currentEpoch, config.epochs),
      epochs: config.epochs,
      fraction: run.totalSteps ? Math.min(1, done / run.totalSteps) : null,
    },
    eta: { meanStepSeconds, remainingSteps: remaining, remainingSeconds, finishesAt: remainingSeconds === null ? null : new Date(now.getTime() + remainingSeconds * 1000) },
  };
}

export type RunHeader = Awaited<ReturnType<typeof getRunHeader>>;
