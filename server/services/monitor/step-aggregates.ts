// StepAggregate: what the monitor reads for a finished step, computed once from its Step row, TaskStepStat,
// PoolEntry and the step's SynthesisAttempt rows. Written when the step closes (inside the driver's transaction), its synthesis part
// refreshed when an attempt of the step finishes or its child task is reviewed, and filled lazily for steps that
// closed before the table existed. The SQL here is the only definition of the bins, the sample and the funnel.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { DEFAULT_BINS, MAX_SCATTER_POINTS, MAX_VARIANCE } from "./histogram";
import { refreshRunAggregate, refreshRunAggregateInTx } from "./run-aggregate";
import { SERIES_OBJECT } from "./step-series";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type Sql = Pick<Db, "$executeRaw" | "$queryRaw">;

/** The funnel columns, in the order the SELECT below yields them. */
export const SYNTH_COLUMNS = [
  "synthAttempted",
  "synthPlanned",
  "synthExecuted",
  "synthRewritten",
  "synthPassedGates",
  "synthAccepted",
  "synthApproved",
  "synthPendingReview",
  "synthRejected",
  "synthRunning",
  "synthDropped",
  "synthErrors",
] as const;

/**
 * The synthesis funnel of the attempts matched by `where` (on alias a only), one row. "passed gates": got past
 * critique, or was dropped in critique by the judge with every deterministic gate passed. "approved": accepted and
 * approved by a reviewer, or auto-approved.
 */
export function synthesisFunnelSql(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT
      count(*)::int AS "synthAttempted",
      count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'plan')::int AS "synthPlanned",
      count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'execute')::int AS "synthExecuted",
      count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'rewrite')::int AS "synthRewritten",
      count(*) FILTER (WHERE a.outcome = 'accepted' OR a."stageReached" > 'critique'
        OR (a."stageReached" = 'critique' AND jsonb_typeof(a."gateResults") = 'array' AND jsonb_array_length(a."gateResults") > 0
            AND NOT jsonb_path_exists(a."gateResults", '$[*] ? (@.isPassed == false)')))::int AS "synthPassedGates",
      count(*) FILTER (WHERE a.outcome = 'accepted')::int AS "synthAccepted",
      count(*) FILTER (WHERE a.outcome = 'accepted' AND t."reviewState" IN ('approved', 'none'))::int AS "synthApproved",
      count(*) FILTER (WHERE a.outcome = 'accepted' AND t."reviewState" = 'pending')::int AS "synthPendingReview",
      count(*) FILTER (WHERE a.outcome = 'accepted' AND t."reviewState" = 'rejected')::int AS "synthRejected",
      count(*) FILTER (WHERE a.outcome = 'running')::int AS "synthRunning",
      count(*) FILTER (WHERE a.outcome = 'dropped')::int AS "synthDropped",
      COALESCE((
        SELECT json_object_agg(e."errorType", e.n ORDER BY e."errorType") FROM (
          SELECT COALESCE(a."errorType", 'unclassified') AS "errorType", count(*)::int AS n
          FROM "SynthesisAttempt" a WHERE ${where} AND a.outcome = 'dropped' GROUP BY 1
        ) e
      ), '{}'::json) AS "synthErrors"
    FROM "SynthesisAttempt" a LEFT JOIN "Task" t ON t.id = a."childTaskId"
    WHERE ${where}`;
}

/**
 * The scatter's sample `x` (task id, mean, variance, region, isSeed; `x.h` orders it) as StepAggregate.points: one
 * array per field, regions as one letter each and isSeed as 1/0 in a string, so that reading 800 points parses a few
 * arrays, not 800 (step-distribution.ts reads it; migration 20261127045500 rewrote older rows to it).
 */
const POINTS_OBJECT = Prisma.sql`json_build_object(
  'taskId', COALESCE(json_agg(x."taskId" ORDER BY x.h), '[]'::json),
  'mean', COALESCE(json_agg(x.mean ORDER BY x.h), '[]'::json),
  'variance', COALESCE(json_agg(x.variance ORDER BY x.h), '[]'::json),
  'region', COALESCE(string_agg(left(x.region, 1), '' ORDER BY x.h), ''),
  'isSeed', COALESCE(string_agg(CASE WHEN x."isSeed" THEN '1' ELSE '0' END, '' ORDER BY x.h), ''))`;

/**
 * Writes the aggregate of one finished step (no-op for a step that is not done). `onConflict: "keep"` leaves an
 * existing row alone (the close hook, lazy fills); "refresh-synthesis" replaces its synthesis part.
 */
async function insertStepAggregate(sql: Sql, runId: string, stepIndex: number, onConflict: "keep" | "refresh-synthesis"): Promise<number> {
  const conflict =
    onConflict === "keep"
      ? Prisma.sql`DO NOTHING`
      : Prisma.sql`DO UPDATE SET ${Prisma.join(SYNTH_COLUMNS.map((c) => Prisma.sql`${Prisma.raw(`"${c}"`)} = EXCLUDED.${Prisma.raw(`"${c}"`)}`))}, "updatedAt" = now()`;
  // width_bucket gives 1..bins for values in [min, max) and bins+1 at max (folded into the last bin).
  return sql.$executeRaw`
    WITH s AS (
      SELECT t."taskId", t.mean, t.variance, t.region::text AS region, COALESCE(p."isSeed", true) AS "isSeed",
             GREATEST(1, LEAST(width_bucket(t.mean, 0, 1, ${DEFAULT_BINS}::int), ${DEFAULT_BINS}::int)) AS mb,
             GREATEST(1, LEAST(width_bucket(t.variance, 0, ${MAX_VARIANCE}::double precision, ${DEFAULT_BINS}::int), ${DEFAULT_BINS}::int)) AS vb
      FROM "TaskStepStat" t
      LEFT JOIN "PoolEntry" p ON p."runId" = t."runId" AND p."taskId" = t."taskId"
      WHERE t."runId" = ${runId} AND t."stepIndex" = ${stepIndex}
    ), y AS (${synthesisFunnelSql(Prisma.sql`a."runId" = ${runId} AND a."stepIndex" = ${stepIndex}`)})
    INSERT INTO "StepAggregate" ("runId", "stepIndex", hard, boundary, mastered, "meanBins", "varianceBins", points, series, ${Prisma.join(SYNTH_COLUMNS.map((c) => Prisma.raw(`"${c}"`)))})
    SELECT ${runId}, ${stepIndex},
      (SELECT count(*)::int FROM s WHERE region = 'hard'),
      (SELECT count(*)::int FROM s WHERE region = 'boundary'),
      (SELECT count(*)::int FROM s WHERE region = 'mastered'),
      ARRAY(SELECT count(s."taskId")::int FROM generate_series(1, ${DEFAULT_BINS}::int) b LEFT JOIN s ON s.mb = b GROUP BY b ORDER BY b),
      ARRAY(SELECT count(s."taskId")::int FROM generate_series(1, ${DEFAULT_BINS}::int) b LEFT JOIN s ON s.vb = b GROUP BY b ORDER BY b),
      (
        SELECT ${POINTS_OBJECT}
        FROM (SELECT s."taskId", s.mean, s.variance, s.region, s."isSeed", md5(s."taskId") AS h FROM s ORDER BY h LIMIT ${MAX_SCATTER_POINTS}) x
      ),
      (SELECT ${SERIES_OBJECT} FROM "Step" s WHERE s."runId" = ${runId} AND s.index = ${stepIndex}),
      ${Prisma.join(SYNTH_COLUMNS.map((c) => Prisma.raw(`y."${c}"`)))}
    FROM y
    WHERE EXISTS (SELECT 1 FROM "Step" WHERE "runId" = ${runId} AND index = ${stepIndex} AND status = 'done')
    ON CONFLICT ("runId", "stepIndex") ${conflict}`;
}

/**
 * The close hook: called by the driver in the transaction that marks the step done and moves the run's current
 * step (after the step's attempts exist); writes the step's aggregate and the run's.
 */
export async function writeStepAggregate({ tx, runId, stepIndex }: { tx: Tx; runId: string; stepIndex: number }): Promise<void> {
  await insertStepAggregate(tx, runId, stepIndex, "keep");
  await refreshRunAggregateInTx({ tx, runId });
}

/**
 * Recomputes the synthesis part of one step's aggregate. The row is locked first, so of two refreshes racing (two
 * attempts of a step finishing at once) the later one counts with a snapshot taken after the earlier committed.
 */
export async function refreshStepSynthesis({ db, runId, stepIndex }: { db: Db; runId: string; stepIndex: number }): Promise<void> {
  await db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "StepAggregate" WHERE "runId" = ${runId} AND "stepIndex" = ${stepIndex} FOR UPDATE`;
    if (locked.length === 0) {
      await insertStepAggregate(tx, runId, stepIndex, "refresh-synthesis");
      return;
    }
    await tx.$executeRaw`
      UPDATE "StepAggregate" g SET (${Prisma.join(SYNTH_COLUMNS.map((c) => Prisma.raw(`"${c}"`)))}, "updatedAt") = (SELECT y.*, now() FROM (${synthesisFunnelSql(
        Prisma.sql`a."runId" = ${runId} AND a."stepIndex" = ${stepIndex}`,
      )}) y)
      WHERE g."runId" = ${runId} AND g."stepIndex" = ${stepIndex}`;
  });
}

/** After attempts finished or child tasks were reviewed: refreshes the steps they were seeded at. */
export async function refreshSynthesisOf({ db, attemptIds, childTaskIds }: { db: Db; attemptIds?: readonly string[]; childTaskIds?: readonly string[] }): Promise<void> {
  if (!attemptIds?.length && !childTaskIds?.length) return;
  const steps = await db.synthesisAttempt.findMany({
    where: { OR: [...(attemptIds?.length ? [{ id: { in: [...attemptIds] } }] : []), ...(childTaskIds?.length ? [{ childTaskId: { in: [...childTaskIds] } }] : [])], runId: { not: null }, stepIndex: { not: null } },
    select: { runId: true, stepIndex: true },
    distinct: ["runId", "stepIndex"],
  });
  for (const s of steps) await refreshStepSynthesis({ db, runId: s.runId!, stepIndex: s.stepIndex! });
  // An accepted attempt also staged its child in the pool.
  for (const runId of new Set(steps.map((s) => s.runId!))) await refreshRunAggregate({ db, runId, parts: ["synthesis", "pool"] });
}

/** Fills the aggregates a run's finished steps lack (steps closed before StepAggregate existed); returns how many. */
export async function fillMissingStepAggregates({ db, runId, stepIndex }: { db: Db; runId: string; stepIndex?: number }): Promise<number> {
  const missing = await db.$queryRaw<{ index: number }[]>`
    SELECT s.index FROM "Step" s
    WHERE s."runId" = ${runId} AND s.status = 'done' ${stepIndex === undefined ? Prisma.empty : Prisma.sql`AND s.index = ${stepIndex}`}
      AND NOT EXISTS (SELECT 1 FROM "StepAggregate" g WHERE g."runId" = s."runId" AND g."stepIndex" = s.index)
    ORDER BY s.index`;
  let written = 0;
  for (const m of missing) written += await insertStepAggregate(db, runId, m.index, "keep");
  return written;
}
