// A run's header: status, settings summary, progress and the ETA from the recent steps' pace (RunAggregate.pace).
import type { Db } from "../../db";
import type { RunMode, RunStatus } from "../../generated/prisma/enums";
import type { TRunConfig } from "../../rods/config";
import { redactConfigUrls } from "../../rods/endpoint";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, type Freshness } from "./run-aggregate";
import { runNotFound } from "./run-lookup";
import { summarizeSettings } from "./settings";

const LIVE_STATUSES = new Set(["queued", "running"]);

interface HeaderRow extends Freshness {
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
  totalSteps: number | null;
  /** RunAggregate.pace: finished steps, and the count and first/last finishing times (ms) of the newest ETA_WINDOW of them */
  pace: { done: number; n: number; firstMs: number | null; lastMs: number | null } | null;
}

export async function getRunHeader({ db, runId, now = new Date() }: { db: Db; runId: string; now?: Date }) {
  // One primary-key lookup: the run, its dataset's name and its aggregate's pace (rewritten when a step closes).
  const [row] = await readFresh(
    db,
    () => db.$queryRaw<HeaderRow[]>`
      SELECT ${FRESHNESS_COLUMNS}, r.name, r.mode, r.status, r."statusReason", r."trainerWaitingSince", r.error, d.name AS "datasetName", r."createdAt", r."startedAt",
             r."finishedAt", r.notes, r.tags, r."archivedAt", r."createdById", r.config, r."totalSteps", a.pace
      FROM "Run" r JOIN "Dataset" d ON d.id = r."datasetId" ${AGGREGATE_JOIN}
      WHERE r.id = ${runId}`,
  );
  if (!row) throw runNotFound(runId);
  // Configs stored before credentials in URLs were refused are shown without them (as runs-service's getRun does).
  const run = { ...row, config: redactConfigUrls(row.config) };
  const pace = row.pace ?? { done: 0, n: 0, firstMs: null, lastMs: null };
  const done = pace.done;
  let meanStepSeconds: number | null = null;
  if (pace.n >= 2 && pace.firstMs !== null && pace.lastMs !== null) meanStepSeconds = (pace.lastMs - pace.firstMs) / 1000 / (pace.n - 1);
  else if (pace.n === 1 && pace.lastMs !== null && run.startedAt) meanStepSeconds = (pace.lastMs - run.startedAt.getTime()) / 1000;
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
