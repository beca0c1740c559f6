// The per-task distribution at one step: r̄ and variance histograms, region counts and the scatter's sample. Read
// from the step's StepAggregate row (one indexed read, filled once if the step closed before aggregates existed);
// other bin counts or a bigger sample are computed from TaskStepStat.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { DEFAULT_BINS, emptyHistogram, MAX_SCATTER_POINTS, MAX_VARIANCE, type Histogram } from "./histogram";
import { runNotFound } from "./run-lookup";
import { fillMissingStepAggregates } from "./step-aggregates";

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

/** Bins and sample computed from TaskStepStat (other bin counts, a bigger sample, a step without an aggregate). */
async function liveStepDistribution({ db, runId, step, bins, maxPoints }: { db: Db; runId: string; step: number | null; bins: number; maxPoints: number }): Promise<StepDistribution> {
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

interface AggregateRow {
  stepIndex: number;
  hasAggregate: boolean;
  hard: number | null;
  boundary: number | null;
  mastered: number | null;
  meanBins: number[] | null;
  varianceBins: number[] | null;
  /** StepAggregate.points (step-aggregates.ts POINTS_OBJECT): one array per field, in the sample's order */
  points: StoredPoints | null;
}

interface StoredPoints {
  taskId: string[];
  mean: number[];
  variance: number[];
  /** one letter per point: h, b or m */
  region: string;
  /** one character per point: 1 for a seed task */
  isSeed: string;
}

const REGION_OF_LETTER: Readonly<Record<string, TaskPoint["region"]>> = { h: "hard", b: "boundary", m: "mastered" };

/** The first `max` stored points as the scatter's objects (fields written out: this runs for every point). */
function pointsOf(stored: StoredPoints | null, max: number): TaskPoint[] {
  if (!stored) return [];
  const n = Math.min(max, stored.taskId.length);
  const points: TaskPoint[] = new Array(n);
  for (let i = 0; i < n; i++) {
    points[i] = { taskId: stored.taskId[i]!, mean: stored.mean[i]!, variance: stored.variance[i]!, region: REGION_OF_LETTER[stored.region[i]!]!, isSeed: stored.isSeed[i] === "1" };
  }
  return points;
}

/** The step (given or newest finished) and its aggregate in one statement on two tables (a join less to plan); none when the run has no such step. */
async function readAggregate(db: Db, runId: string, stepIndex: number | undefined): Promise<AggregateRow | undefined> {
  const stepFilter = stepIndex === undefined ? Prisma.sql`s.status = 'done'` : Prisma.sql`s.index = ${stepIndex}`;
  const [row] = await db.$queryRaw<AggregateRow[]>`
    SELECT s.index AS "stepIndex", g."stepIndex" IS NOT NULL AS "hasAggregate", g.hard, g.boundary, g.mastered, g."meanBins", g."varianceBins", g.points
    FROM "Step" s LEFT JOIN "StepAggregate" g ON g."runId" = s."runId" AND g."stepIndex" = s.index
    WHERE s."runId" = ${runId} AND ${stepFilter} ORDER BY s.index DESC LIMIT 1`;
  return row;
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
  let row = await readAggregate(db, runId, stepIndex);
  if (!row) {
    // No such step (or no finished one yet): empty, for a run that exists.
    if (!(await db.run.findUnique({ where: { id: runId }, select: { id: true } }))) throw runNotFound(runId);
    return liveStepDistribution({ db, runId, step: stepIndex ?? null, bins, maxPoints });
  }
  if (bins !== DEFAULT_BINS || maxPoints > MAX_SCATTER_POINTS) return liveStepDistribution({ db, runId, step: row.stepIndex, bins, maxPoints });
  if (!row.hasAggregate) {
    // A step that closed before StepAggregate existed, or one still rolling (no aggregate, no stats yet).
    if ((await fillMissingStepAggregates({ db, runId, stepIndex: row.stepIndex })) > 0) row = (await readAggregate(db, runId, row.stepIndex))!;
    if (!row.hasAggregate) return liveStepDistribution({ db, runId, step: row.stepIndex, bins, maxPoints });
  }
  const regionCounts = { hard: row.hard ?? 0, boundary: row.boundary ?? 0, mastered: row.mastered ?? 0 };
  const totalTasks = regionCounts.hard + regionCounts.boundary + regionCounts.mastered;
  const points = pointsOf(row.points, maxPoints);
  return {
    stepIndex: row.stepIndex,
    totalTasks,
    regionCounts,
    mean: { min: 0, max: 1, counts: row.meanBins ?? emptyHistogram(0, 1, bins).counts },
    variance: { min: 0, max: MAX_VARIANCE, counts: row.varianceBins ?? emptyHistogram(0, MAX_VARIANCE, bins).counts },
    points,
    isSampled: totalTasks > points.length,
  };
}
