// A run's header: status, settings summary, progress and the ETA from the recent steps' pace.
import type { Db } from "../../db";
import type { RunMode, RunStatus } from "../../generated/prisma/enums";
import type { TRunConfig } from "../../rods/config";
import { redactConfigUrls } from "../../rods/endpoint";
import { runNotFound } from "./run-lookup";
import { summarizeSettings } from "./settings";

/** Steps whose finishing times give the mean step duration behind the ETA (recent ones: the pace changes). */
const ETA_WINDOW = 20;
const LIVE_STATUSES = new Set(["queued", "running"]);

interface HeaderRow {
  id: string;
  name: string;
  mode: RunMode;
  status: RunStatus;
  statusReason: string | null;
  trainerWaitingSince: Date | null;
  error: string | null;
  datasetName: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  notes: string;
  tags: string[];
  archivedAt: Date | null;
  createdById: string | null;
  config: TRunConfig;
  currentEpoch: number;
  totalSteps: number | null;
  /** finished steps, and the count and first/last finishing times of the newest ETA_WINDOW of them */
  done: number;
  n: number;
  first: Date | null;
  last: Date | null;
}

export async function getRunHeader({ db, runId, now = new Date() }: { db: Db; runId: string; now?: Date }) {
  // One round trip: the run, its dataset's name and the timing of its recent finished steps.
  const [row] = await db.$queryRaw<HeaderRow[]>`
    SELECT r.id, r.name, r.mode, r.status, r."statusReason", r."trainerWaitingSince", r.error, d.name AS "datasetName", r."createdAt", r."startedAt",
           r."finishedAt", r.notes, r.tags, r."archivedAt", r."createdById", r.config, r."currentEpoch", r."totalSteps",
           t.done, t.n, t.first, t.last
    FROM "Run" r JOIN "Dataset" d ON d.id = r."datasetId"
    CROSS JOIN LATERAL (
      WITH recent AS (
        SELECT "finishedAt" FROM "Step"
        WHERE "runId" = r.id AND status = 'done' AND "finishedAt" IS NOT NULL
        ORDER BY index DESC LIMIT ${ETA_WINDOW}
      )
      SELECT (SELECT count(*)::int FROM "Step" WHERE "runId" = r.id AND status = 'done') AS done,
             count(*)::int AS n, min("finishedAt") AS first, max("finishedAt") AS last
      FROM recent
    ) t
    WHERE r.id = ${runId}`;
  if (!row) throw runNotFound(runId);
  // Configs stored before credentials in URLs were refused are shown without them (as runs-service's getRun does).
  const run = { ...row, config: redactConfigUrls(row.config) };
  const timing = row;
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
    datasetName: run.datasetName,
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
