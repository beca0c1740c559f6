// What the run monitor, the runs list and the compare page show, computed in SQL from the per-step aggregates
// (Step, TaskStepStat, PoolEntry, SynthesisAttempt, Evaluation) over the (runId, …) indexes. Nothing here reads
// Rollout: the monitor's cost does not grow with K.
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import { injectionCap } from "../rods/buffer";
import { modeFlags, type TRunConfig } from "../rods/config";
import { placeCompareCurves } from "./compare-curves";
import { getRun, listRuns } from "./runs-service";

/** Steps whose finishing times give the mean step duration behind the ETA (recent ones: the pace changes). */
const ETA_WINDOW = 20;
export const DEFAULT_BINS = 20;
export const MAX_SCATTER_POINTS = 2000;
/** Rewards lie in [0, 1], so a group's (population) variance is at most 1/4. */
export const MAX_VARIANCE = 0.25;

const LIVE_STATUSES = new Set(["queued", "running"]);

async function assertRunExists(db: Db, runId: string): Promise<{ config: TRunConfig; currentEpoch: number; mode: string }> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { config: true, currentEpoch: true, mode: true } });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
  return { config: run.config as unknown as TRunConfig, currentEpoch: run.currentEpoch, mode: run.mode };
}

// ---------- settings ----------

const SETTING_LABELS: Readonly<Record<string, string>> = {
  mode: "mode",
  datasetName: "dataset",
  seed: "random seed",
  epochs: "epochs",
  k: "K (rollouts per task)",
  batchSize: "tasks per step",
  limitSeeds: "seed limit",
  alphaMinus: "α− (hard below)",
  alphaPlus: "α+ (mastered above)",
  seedQuotaPerCategory: "seeds per category per step",
  cooldownSteps: "seed cooldown (steps)",
  maxPatches: "K_max (config patches)",
  pMax: "P_max (synthesized in pool)",
  beta: "β (injection per epoch)",
  burnInThreshold: "burn-in threshold",
  driftHigh: "drift high (retire mastered)",
  driftLow: "drift low (retire unsolvable)",
  driftWindow: "drift window (observations)",
  evalEveryEpochs: "held-out every (epochs)",
  evalLimit: "held-out tasks",
  pauseOnInfraFraction: "pause above infra-failure share",
  reviewPolicy: "review",
  "policy.kind": "policy",
  "policy.learningRate": "policy learning rate",
  "policy.clip": "policy clip",
  "policy.klCoef": "policy KL coefficient",
  "policy.updateEpochs": "policy update passes",
  "policy.baseUrl": "policy endpoint",
  "policy.model": "policy model",
  "policy.temperature": "policy temperature",
  "policy.topP": "policy top-p",
  "policy.maxTokens": "policy max tokens",
  "policy.maxStepsPerTurn": "policy steps per turn",
  "policy.concurrency": "policy concurrency",
  "policy.timeoutMs": "policy timeout (ms)",
  "policy.maxRetries": "policy retries",
  "policy.apiKeyEnv": "policy API key variable",
  "synthesizer.kind": "synthesizer",
  "synthesizer.baseUrl": "synthesizer endpoint",
  "synthesizer.model": "synthesizer model",
  "synthesizer.temperature": "synthesizer temperature",
  "synthesizer.concurrency": "synthesizer concurrency",
  "synthesizer.timeoutMs": "synthesizer timeout (ms)",
  "synthesizer.maxRetries": "synthesizer retries",
  "synthesizer.apiKeyEnv": "synthesizer API key variable",
};

/** The settings shown in a run's header, in this order (the rest stay in the full table). */
const SUMMARY_KEYS = [
  "mode",
  "datasetName",
  "epochs",
  "k",
  "batchSize",
  "alphaMinus",
  "alphaPlus",
  "beta",
  "pMax",
  "burnInThreshold",
  "driftLow",
  "driftHigh",
  "driftWindow",
  "seedQuotaPerCategory",
  "evalEveryEpochs",
  "reviewPolicy",
  "policy.kind",
  "policy.model",
  "synthesizer.kind",
  "synthesizer.model",
  "seed",
] as const;

function formatSetting(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** A run's settings as flat "path → text" pairs (policy.* and synthesizer.* nested one level). */
export function flattenSettings(config: TRunConfig): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else out.set(prefix, formatSetting(value));
  };
  walk("", config);
  return out;
}

export function settingLabel(key: string): string {
  return SETTING_LABELS[key] ?? key;
}

export interface SettingRow {
  key: string;
  label: string;
  value: string;
}

export function summarizeSettings(config: TRunConfig): SettingRow[] {
  const flat = flattenSettings(config);
  return SUMMARY_KEYS.filter((k) => flat.has(k)).map((key) => ({ key, label: settingLabel(key), value: flat.get(key)! }));
}

export interface SettingDiffRow {
  key: string;
  label: string;
  /** one per run, in the order given; "—" where a run has no such setting */
  values: string[];
}

/** The settings whose values are not the same in every run, in the summary order, then alphabetically. */
export function diffRunSettings(configs: readonly TRunConfig[]): SettingDiffRow[] {
  const flats = configs.map(flattenSettings);
  const keys = [...new Set(flats.flatMap((f) => [...f.keys()]))];
  const rank = (k: string) => {
    const i = (SUMMARY_KEYS as readonly string[]).indexOf(k);
    return i === -1 ? SUMMARY_KEYS.length : i;
  };
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys
    .map((key) => ({ key, label: settingLabel(key), values: flats.map((f) => f.get(key) ?? "—") }))
    .filter((row) => new Set(row.values).size > 1);
}

// ---------- runs list ----------

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

// ---------- header ----------

export async function getRunHeader({ db, runId, now = new Date() }: { db: Db; runId: string; now?: Date }) {
  const run = await getRun({ db, id: runId });
  const [timing] = await db.$queryRaw<{ done: number; n: number; first: Date | null; last: Date | null }[]>(Prisma.sql`
    WITH recent AS (
      SELECT "finishedAt" FROM "Step"
      WHERE "runId" = ${runId} AND status = 'done' AND "finishedAt" IS NOT NULL
      ORDER BY index DESC LIMIT ${ETA_WINDOW}
    )
    SELECT (SELECT count(*)::int FROM "Step" WHERE "runId" = ${runId} AND status = 'done') AS done,
           count(*)::int AS n, min("finishedAt") AS first, max("finishedAt") AS last
    FROM recent`);
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

// ---------- series over steps ----------

export interface StepSeriesRow {
  step: number;
  epoch: number;
  numTasks: number;
  numRollouts: number;
  informativeFraction: number | null;
  meanPhi: number | null;
  gradConcentration: number | null;
  meanReward: number | null;
  /** region counts, null when the step stored none */
  seedHard: number | null;
  seedBoundary: number | null;
  seedMastered: number | null;
  synthesizedHard: number | null;
  synthesizedBoundary: number | null;
  synthesizedMastered: number | null;
  infraFailures: number;
  tokensIn: number;
  tokensOut: number;
  finishedAt: Date | null;
}

async function stepSeries(db: Db, runId: string): Promise<StepSeriesRow[]> {
  return db.$queryRaw<StepSeriesRow[]>(Prisma.sql`
    SELECT index AS step, epoch, "numTasks", "numRollouts", "informativeFraction", "meanPhi", "gradConcentration", "meanReward",
      (regions->'seed'->>'hard')::int AS "seedHard",
      (regions->'seed'->>'boundary')::int AS "seedBoundary",
      (regions->'seed'->>'mastered')::int AS "seedMastered",
      (regions->'synthesized'->>'hard')::int AS "synthesizedHard",
      (regions->'synthesized'->>'boundary')::int AS "synthesizedBoundary",
      (regions->'synthesized'->>'mastered')::int AS "synthesizedMastered",
      "infraFailures", "tokensIn", "tokensOut", "finishedAt"
    FROM "Step" WHERE "runId" = ${runId} AND status = 'done'
    ORDER BY index`);
}

/** One row per finished step, oldest first: the monitor's line charts and the step slider's stops. */
export async function getRunSeries({ db, runId }: { db: Db; runId: string }): Promise<StepSeriesRow[]> {
  await assertRunExists(db, runId);
  return stepSeries(db, runId);
}

// ---------- the per-task distribution at one step ----------

export interface Histogram {
  min: number;
  max: number;
  /** counts per equal-width bin, lowest first; the top edge belongs to the last bin */
  counts: number[];
}

export interface TaskPoint {
  taskId: string;
  mean: number;
  variance: number;
  region: "hard" | "boundary" | "mastered";
  isSeed: boolean;
}

export interface StepDistribution {
  /** null when the run has no finished step yet */
  stepIndex: number | null;
  totalTasks: number;
  regionCounts: { hard: number; boundary: number; mastered: number };
  mean: Histogram;
  variance: Histogram;
  points: TaskPoint[];
  /** more tasks than points: the points are a fixed sample (the same tasks at every step) */
  isSampled: boolean;
}

function emptyHistogram(min: number, max: number, bins: number): Histogram {
  return { min, max, counts: Array.from({ length: bins }, () => 0) };
}

export async function getStepDistribution({
  db,
  runId,
  stepIndex,
  bins = DEFAULT_BINS,
  maxPoints = MAX_SCATTER_POINTS,
}: {
  db: Db;
  runId: string;
  /** a step index; omitted: the newest finished step */
  stepIndex?: number;
  bins?: number;
  maxPoints?: number;
}): Promise<StepDistribution> {
  await assertRunExists(db, runId);
  let step = stepIndex ?? null;
  if (step === null) {
    const [latest] = await db.$queryRaw<{ index: number }[]>(Prisma.sql`
      SELECT index FROM "Step" WHERE "runId" = ${runId} AND status = 'done' ORDER BY index DESC LIMIT 1`);
    step = latest?.index ?? null;
  }
  const result: StepDistribution = {
    stepIndex: step,
    totalTasks: 0,
    regionCounts: { hard: 0, boundary: 0, mastered: 0 },
    mean: emptyHistogram(0, 1, bins),
    variance: emptyHistogram(0, MAX_VARIANCE, bins),
    points: [],
    isSampled: false,
  };
  if (step === null) return result;
  // Bins in SQL, in one index scan: width_bucket gives 1..bins for values in [min, max) and bins+1 at max (folded
  // into the last bin); the grouping sets count mean bins, variance bins and regions apart (the others are null).
  const [binRows, points] = await Promise.all([
    db.$queryRaw<{ meanBin: number | null; varianceBin: number | null; region: string | null; n: number }[]>(Prisma.sql`
      SELECT "meanBin", "varianceBin", region, count(*)::int AS n FROM (
        SELECT GREATEST(1, LEAST(width_bucket(mean, 0, 1, ${bins}::int), ${bins}::int)) AS "meanBin",
               GREATEST(1, LEAST(width_bucket(variance, 0, ${MAX_VARIANCE}::double precision, ${bins}::int), ${bins}::int)) AS "varianceBin",
               region::text AS region
        FROM "TaskStepStat" WHERE "runId" = ${runId} AND "stepIndex" = ${step}
      ) s
      GROUP BY GROUPING SETS (("meanBin"), ("varianceBin"), (region))`),
    // A deterministic sample: ordered by a hash of the task id, so the same tasks are shown at every step.
    db.$queryRaw<TaskPoint[]>(Prisma.sql`
      SELECT s."taskId", s.mean, s.variance, s.region::text AS region, COALESCE(p."isSeed", true) AS "isSeed"
      FROM "TaskStepStat" s
      LEFT JOIN "PoolEntry" p ON p."runId" = s."runId" AND p."taskId" = s."taskId"
      WHERE s."runId" = ${runId} AND s."stepIndex" = ${step}
      ORDER BY md5(s."taskId") LIMIT ${maxPoints}`),
  ]);
  for (const row of binRows) {
    if (row.meanBin !== null) result.mean.counts[row.meanBin - 1] = row.n;
    else if (row.varianceBin !== null) result.variance.counts[row.varianceBin - 1] = row.n;
    else if (row.region === "hard" || row.region === "boundary" || row.region === "mastered") {
      result.regionCounts[row.region] = row.n;
      result.totalTasks += row.n;
    }
  }
  result.points = points;
  result.isSampled = result.totalTasks > points.length;
  return result;
}

// ---------- buffer lifecycle ----------

export interface BufferEpochRow {
  epoch: number;
  /** synthesized tasks that entered the pool at the start of this epoch; null for epoch 0 (no injection before it) */
  injected: number | null;
  /** the β cap at that injection: max(1, floor(β · active pool after the previous epoch's retirements)) */
  betaCap: number | null;
  /** retired at the close of this epoch, by reason; null while the epoch has not closed */
  retired: { burn_in: number; mastered: number; unsolvable: number; pruned: number } | null;
  /** synthesized tasks in the active pool during this epoch */
  synthesizedActive: number;
  active: number;
}

export interface BufferLifecycle {
  synthesizes: boolean;
  retires: boolean;
  pMax: number;
  beta: number;
  epochs: BufferEpochRow[];
  now: { staged: number; activeSeeds: number; activeSynthesized: number; retired: number };
}

export async function getBufferLifecycle({ db, runId }: { db: Db; runId: string }): Promise<BufferLifecycle> {
  const run = await assertRunExists(db, runId);
  const flags = modeFlags(run.config.mode);
  // Three small GROUP BYs; the per-epoch running totals are sums over their few rows.
  const [entered, left, states] = await Promise.all([
    db.poolEntry.groupBy({ by: ["enteredEpoch", "isSeed"], where: { runId, enteredEpoch: { not: null } }, _count: { _all: true } }),
    db.poolEntry.groupBy({ by: ["leftEpoch", "isSeed", "retireReason"], where: { runId, leftEpoch: { not: null } }, _count: { _all: true } }),
    db.poolEntry.groupBy({ by: ["state", "isSeed"], where: { runId }, _count: { _all: true } }),
  ]);
  const lastEpoch = Math.min(run.currentEpoch, run.config.epochs - 1);
  const sum = <T>(rows: T[], pick: (r: T) => boolean, count: (r: T) => number) => rows.filter(pick).reduce((n, r) => n + count(r), 0);
  const enteredN = (r: (typeof entered)[number]) => r._count._all;
  const leftN = (r: (typeof left)[number]) => r._count._all;
  const epochs: BufferEpochRow[] = [];
  for (let e = 0; e <= lastEpoch; e++) {
    const activeDuring = (onlySynth: boolean) =>
      sum(entered, (r) => r.enteredEpoch! <= e && (!onlySynth || !r.isSeed), enteredN) - sum(left, (r) => r.leftEpoch! < e && (!onlySynth || !r.isSeed), leftN);
    const activeBefore = sum(entered, (r) => r.enteredEpoch! <= e - 1, enteredN) - sum(left, (r) => r.leftEpoch! <= e - 1, leftN);
    const isClosed = e < run.currentEpoch;
    const retiredOf = (reason: string) => sum(left, (r) => r.leftEpoch === e && r.retireReason === reason, leftN);
    epochs.push({
      epoch: e,
      injected: e === 0 ? null : sum(entered, (r) => r.enteredEpoch === e && !r.isSeed, enteredN),
      betaCap: e === 0 || !flags.synthesizes ? null : injectionCap(activeBefore, run.config.beta),
      retired: isClosed ? { burn_in: retiredOf("burn_in"), mastered: retiredOf("mastered"), unsolvable: retiredOf("unsolvable"), pruned: retiredOf("pruned") } : null,
      synthesizedActive: activeDuring(true),
      active: activeDuring(false),
    });
  }
  const stateCount = (state: string, isSeed?: boolean) => sum(states, (r) => r.state === state && (isSeed === undefined || r.isSeed === isSeed), (r) => r._count._all);
  return {
    synthesizes: flags.synthesizes,
    retires: flags.retires,
    pMax: run.config.pMax,
    beta: run.config.beta,
    epochs,
    now: { staged: stateCount("staged"), activeSeeds: stateCount("active", true), activeSynthesized: stateCount("active", false), retired: stateCount("retired") },
  };
}

// ---------- synthesis ----------

export const FUNNEL_STAGES = [
  { key: "attempted", label: "attempted" },
  { key: "planned", label: "planned" },
  { key: "executed", label: "executed" },
  { key: "rewritten", label: "rewritten" },
  { key: "passedGates", label: "passed gates" },
  { key: "accepted", label: "accepted" },
  { key: "approved", label: "approved" },
] as const;
export type FunnelKey = (typeof FUNNEL_STAGES)[number]["key"];

export interface SynthesisOverview {
  funnel: { key: FunnelKey; label: string; count: number }[];
  running: number;
  dropped: number;
  pendingReview: number;
  rejected: number;
  errors: { errorType: string; count: number }[];
}

/**
 * The funnel from stageReached (the stage an attempt got to; a dropped attempt's is the stage it failed in), the
 * outcome, and the child task's review state. "passed gates": got past critique, or was dropped in critique by the
 * judge with every deterministic gate passed. "approved": accepted and approved by a reviewer, or auto-approved.
 */
export async function getSynthesisOverview({ db, runId }: { db: Db; runId: string }): Promise<SynthesisOverview> {
  await assertRunExists(db, runId);
  const [[c], errors] = await Promise.all([
    db.$queryRaw<Record<FunnelKey | "running" | "dropped" | "pendingReview" | "rejected", number>[]>(Prisma.sql`
      SELECT
        count(*)::int AS attempted,
        count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'plan')::int AS planned,
        count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'execute')::int AS executed,
        count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'rewrite')::int AS rewritten,
        count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'critique'
          OR (a."stageReached" = 'critique' AND jsonb_typeof(a."gateResults") = 'array' AND jsonb_array_length(a."gateResults") > 0
              AND NOT jsonb_path_exists(a."gateResults", '$[*] ? (@.isPassed == false)')))::int AS "passedGates",
        count(*) FILTER (WHERE a.outcome = 'accepted')::int AS accepted,
        count(*) FILTER (WHERE a.outcome = 'accepted' AND t."reviewState" IN ('approved', 'none'))::int AS approved,
        count(*) FILTER (WHERE a.outcome = 'accepted' AND t."reviewState" = 'pending')::int AS "pendingReview",
        count(*) FILTER (WHERE a.outcome = 'accepted' AND t."reviewState" = 'rejected')::int AS rejected,
        count(*) FILTER (WHERE a.outcome = 'running')::int AS running,
        count(*) FILTER (WHERE a.outcome = 'dropped')::int AS dropped
      FROM "SynthesisAttempt" a LEFT JOIN "Task" t ON t.id = a."childTaskId"
      WHERE a."runId" = ${runId}`),
    db.synthesisAttempt.groupBy({ by: ["errorType"], where: { runId, outcome: "dropped" }, _count: { _all: true } }),
  ]);
  return {
    funnel: FUNNEL_STAGES.map((s) => ({ key: s.key, label: s.label, count: c?.[s.key] ?? 0 })),
    running: c?.running ?? 0,
    dropped: c?.dropped ?? 0,
    pendingReview: c?.pendingReview ?? 0,
    rejected: c?.rejected ?? 0,
    errors: errors.map((e) => ({ errorType: e.errorType ?? "unclassified", count: e._count._all })),
  };
}

// ---------- where injected tasks landed ----------

export interface InjectionLanding {
  histogram: Histogram;
  injected: number;
  /** injected but not rolled out yet */
  unobserved: number;
  hard: number;
  boundary: number;
  mastered: number;
  belowBurnIn: number;
  thresholds: { alphaMinus: number; alphaPlus: number; burnInThreshold: number };
}

/** The first r̄ of every synthesized task that entered the active pool, against the boundary band [α−, α+]. */
export async function getInjectionLanding({ db, runId, bins = DEFAULT_BINS }: { db: Db; runId: string; bins?: number }): Promise<InjectionLanding> {
  const { config } = await assertRunExists(db, runId);
  const { alphaMinus, alphaPlus, burnInThreshold } = config;
  const [binRows, [totals]] = await Promise.all([
    db.$queryRaw<{ bin: number; n: number }[]>(Prisma.sql`
      SELECT GREATEST(1, LEAST(width_bucket("firstMean", 0, 1, ${bins}::int), ${bins}::int)) AS bin, count(*)::int AS n
      FROM "PoolEntry"
      WHERE "runId" = ${runId} AND NOT "isSeed" AND "enteredEpoch" IS NOT NULL AND "firstMean" IS NOT NULL
      GROUP BY 1`),
    db.$queryRaw<{ injected: number; unobserved: number; hard: number; boundary: number; mastered: number; belowBurnIn: number }[]>(Prisma.sql`
      SELECT count(*)::int AS injected,
        count(*) FILTER (WHERE "firstMean" IS NULL)::int AS unobserved,
        count(*) FILTER (WHERE "firstMean" < ${alphaMinus}::double precision)::int AS hard,
        count(*) FILTER (WHERE "firstMean" >= ${alphaMinus}::double precision AND "firstMean" <= ${alphaPlus}::double precision)::int AS boundary,
        count(*) FILTER (WHERE "firstMean" > ${alphaPlus}::double precision)::int AS mastered,
        count(*) FILTER (WHERE "firstMean" < ${burnInThreshold}::double precision)::int AS "belowBurnIn"
      FROM "PoolEntry" WHERE "runId" = ${runId} AND NOT "isSeed" AND "enteredEpoch" IS NOT NULL`),
  ]);
  const histogram = emptyHistogram(0, 1, bins);
  for (const r of binRows) histogram.counts[r.bin - 1] = r.n;
  return {
    histogram,
    injected: totals?.injected ?? 0,
    unobserved: totals?.unobserved ?? 0,
    hard: totals?.hard ?? 0,
    boundary: totals?.boundary ?? 0,
    mastered: totals?.mastered ?? 0,
    belowBurnIn: totals?.belowBurnIn ?? 0,
    thresholds: { alphaMinus, alphaPlus, burnInThreshold },
  };
}

// ---------- held-out score ----------

export interface HeldOutPoint {
  stepIndex: number;
  epoch: number;
  category: string;
  /** binary success rate (BFCL accuracy) */
  score: number;
  /** mean progress reward R_P */
  progress: number;
  n: number;
}

export async function getHeldOutSeries({ db, runId }: { db: Db; runId: string }): Promise<HeldOutPoint[]> {
  await assertRunExists(db, runId);
  return heldOutPoints(db, runId);
}

function heldOutPoints(db: Db, runId: string, onlyOverall = false): Promise<HeldOutPoint[]> {
  return db.evaluation.findMany({
    where: { runId, split: "test", ...(onlyOverall ? { category: "overall" } : {}) },
    select: { stepIndex: true, epoch: true, category: true, score: true, progress: true, n: true },
    orderBy: [{ stepIndex: "asc" }, { category: "asc" }],
  });
}

// ---------- compare ----------

export const MAX_COMPARED_RUNS = 8;

export async function compareRuns({ db, runIds }: { db: Db; runIds: readonly string[] }) {
  const ids = [...new Set(runIds)];
  if (ids.length < 1 || ids.length > MAX_COMPARED_RUNS) throw new AppError("BAD_REQUEST", `Pick between 1 and ${MAX_COMPARED_RUNS} runs to compare.`);
  const runs = await Promise.all(ids.map((id) => getRun({ db, id })));
  const placed = await Promise.all(
    runs.map(async (run) => {
      const [steps, heldOut] = await Promise.all([stepSeries(db, run.id), heldOutPoints(db, run.id, true)]);
      return placeCompareCurves({ run, steps, heldOut });
    }),
  );
  return {
    runs: runs.map((r, i) => ({
      id: r.id,
      name: r.name,
      mode: r.mode,
      status: r.status,
      stepsDone: r.currentStep,
      totalSteps: r.totalSteps,
      createdAt: r.createdAt,
      summary: placed[i]!.summary,
    })),
    curves: placed.map((p) => p.curve),
    settings: diffRunSettings(runs.map((r) => r.config)),
  };
}

export type RunComparison = Awaited<ReturnType<typeof compareRuns>>;
