// RunAggregate: what the monitor and /compare read for a whole run, one row per run, so that a read is one primary-key
// lookup whatever the run's length: every finished step's series row (column-wise, compact; and /compare's fields of
// it apart), the header's progress and pace, the synthesis funnel
// summed over the steps and the attempts' cost, the pool's counts for the buffer lifecycle, the injection landing,
// the event log and the review gate, the steps planned per epoch (the step plan), the overall held-out points, the
// overall evaluations of every split (the event log) and the external trainer's acknowledged steps (rewritten in the transaction that records an acknowledgement).
// Rebuilt from StepAggregate, PoolEntry, SynthesisAttempt, Step and Evaluation (never from Rollout or TaskStepStat)
// when a step or an epoch closes or an epoch's steps are planned (inside the driver's transaction), when a synthesis
// attempt finishes or a child task is reviewed, and when an evaluation is stored; a read that finds it older
// than the run's current step or epoch (or missing: runs from before the table) rebuilds it once.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { DEFAULT_BINS } from "./histogram";
import { fillMissingStepAggregates, SYNTH_COLUMNS } from "./step-aggregates";
import { CURVE_FIELDS, SERIES_FIELDS } from "./step-series";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type Sql = Pick<Db, "$executeRaw" | "$queryRaw">;
export type RunAggregatePart = "series" | "synthesis" | "pool" | "heldOut" | "trainer";
const ALL_PARTS: readonly RunAggregatePart[] = ["series", "synthesis", "pool", "heldOut", "trainer"];

/** The funnel's key for a StepAggregate column: synthPassedGates → passedGates. */
const funnelKey = (column: string) => column.charAt(5).toLowerCase() + column.slice(6);

/** Every finished step's series row (or the given fields of it) as one object of arrays (oldest first); absent values are JSON null. */
function seriesSql(runId: string, fields: readonly string[] = SERIES_FIELDS): Prisma.Sql {
  const columns = fields.map((f) => Prisma.sql`${f}::text, COALESCE(json_agg(g.series->${f} ORDER BY g."stepIndex"), '[]'::json)`);
  return Prisma.sql`(SELECT json_build_object(${Prisma.join(columns)}) FROM "StepAggregate" g WHERE g."runId" = ${runId})`;
}

/**
 * The series' freshness mark, in the statement that reads the series: the run's current step when every finished
 * step has its StepAggregate in this snapshot, else -1 (stale). A lazy rebuild fills the missing StepAggregate rows
 * in one transaction and refreshes in another; a step closed between the two would otherwise be marked as included
 * while its row is missing, and every later read would take the short series for current.
 */
function seriesMarkSql(runId: string): Prisma.Sql {
  return Prisma.sql`CASE WHEN EXISTS (
      SELECT 1 FROM "Step" s WHERE s."runId" = ${runId} AND s.status = 'done'
        AND NOT EXISTS (SELECT 1 FROM "StepAggregate" g WHERE g."runId" = s."runId" AND g."stepIndex" = s.index)
    ) THEN -1 ELSE r."currentStep" END`;
}

/** Finished steps whose finishing times give the header's mean step duration behind the ETA (recent ones: the pace changes). */
export const ETA_WINDOW = 20;

/** The run header's progress and pace: its finished steps, and the count and first/last finishing times (ms) of the newest ETA_WINDOW of them. */
function paceSql(runId: string): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('done', (SELECT count(*)::int FROM "Step" WHERE "runId" = ${runId} AND status = 'done'), 'n', count(*)::int,
      'firstMs', extract(epoch FROM min(x."finishedAt")) * 1000, 'lastMs', extract(epoch FROM max(x."finishedAt")) * 1000)
    FROM (SELECT "finishedAt" FROM "Step" WHERE "runId" = ${runId} AND status = 'done' AND "finishedAt" IS NOT NULL ORDER BY index DESC LIMIT ${ETA_WINDOW}) x)`;
}

/** What the run's synthesis attempts cost, summed (cost-service.ts reads it): every attempt of the run, step or not. */
function synthesisCostSql(runId: string): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('count', count(*)::int, 'tokensIn', COALESCE(sum("tokensIn"), 0), 'tokensOut', COALESCE(sum("tokensOut"), 0),
      'modelCalls', COALESCE(sum("modelCalls"), 0), 'wallMs', COALESCE(sum("wallMs"), 0), 'cpuMs', COALESCE(sum("cpuMs"), 0))
    FROM "SynthesisAttempt" WHERE "runId" = ${runId})`;
}

/** The funnel summed over the run's steps, dropped attempts by error type, and the attempts' cost. */
function synthesisSql(runId: string): Prisma.Sql {
  const sums = SYNTH_COLUMNS.filter((c) => c !== "synthErrors").map((c) => Prisma.sql`${funnelKey(c)}::text, COALESCE(sum(${Prisma.raw(`"${c}"`)}), 0)::int`);
  return Prisma.sql`(SELECT json_build_object(${Prisma.join(sums)}, 'cost', ${synthesisCostSql(runId)}, 'errors', (
      SELECT COALESCE(json_object_agg(z.k, z.n ORDER BY z.k), '{}'::json) FROM (
        SELECT e.key AS k, sum(e.value::int)::int AS n FROM "StepAggregate" s CROSS JOIN LATERAL json_each_text(s."synthErrors") e
        WHERE s."runId" = ${runId} GROUP BY 1
      ) z))
    FROM "StepAggregate" WHERE "runId" = ${runId})`;
}

/**
 * The injection landing as JSON: counts of injected synthesized tasks against the run's thresholds and the bins of
 * their first r̄ (`bins` equal-width bins over [0, 1]; [bin, count] pairs, 1-based). Stored with DEFAULT_BINS; read
 * live for other bin counts. Counts are of p's columns: the left join's row of nulls (nothing injected) counts 0.
 */
export function landingSql(runId: string, bins: number): Prisma.Sql {
  return Prisma.sql`(
    SELECT json_build_object(
      'injected', count(p."taskId")::int,
      'unobserved', count(p."taskId") FILTER (WHERE p."firstMean" IS NULL)::int,
      'hard', count(*) FILTER (WHERE p."firstMean" < t.am)::int,
      'boundary', count(*) FILTER (WHERE p."firstMean" >= t.am AND p."firstMean" <= t.ap)::int,
      'mastered', count(*) FILTER (WHERE p."firstMean" > t.ap)::int,
      'belowBurnIn', count(*) FILTER (WHERE p."firstMean" < t.bt)::int,
      'bins', (
        SELECT COALESCE(json_agg(json_build_array(b.bin, b.n) ORDER BY b.bin), '[]'::json) FROM (
          SELECT GREATEST(1, LEAST(width_bucket(q."firstMean", 0, 1, ${bins}::int), ${bins}::int)) AS bin, count(*)::int AS n
          FROM "PoolEntry" q WHERE q."runId" = ${runId} AND NOT q."isSeed" AND q."enteredEpoch" IS NOT NULL AND q."firstMean" IS NOT NULL GROUP BY 1
        ) b))
    FROM (SELECT (config->>'alphaMinus')::float8 AS am, (config->>'alphaPlus')::float8 AS ap, (config->>'burnInThreshold')::float8 AS bt FROM "Run" WHERE id = ${runId}) t
    LEFT JOIN "PoolEntry" p ON p."runId" = ${runId} AND NOT p."isSeed" AND p."enteredEpoch" IS NOT NULL)`;
}

/**
 * The pool's counts: PoolEntry grouped three ways, (enteredEpoch, isSeed), (leftEpoch, isSeed, retireReason) and
 * (state, isSeed), told apart by GROUPING()'s bitmask (buffer-lifecycle.ts reads them), the landing, the staged
 * synthesized tasks awaiting review (review-gate.ts), each closed epoch's steps and when its last one finished (the
 * event log; fixed once the epoch closes, and the pool part is rewritten then) and the steps planned per epoch
 * (step-plan-service.ts; planned when an epoch opens, and the pool part is rewritten then too).
 */
/** A row of the pool part's groups. */
export interface PoolGroup {
  set: number;
  enteredEpoch: number | null;
  leftEpoch: number | null;
  retireReason: string | null;
  state: string | null;
  isSeed: boolean;
  n: number;
}
/** PoolGroup.set: GROUPING(enteredEpoch, leftEpoch, retireReason, state), a bit set for each column not grouped by. */
export const POOL_SET = { entered: 0b0111, left: 0b1001, state: 0b1110 } as const;

function poolSql(runId: string): Prisma.Sql {
  return Prisma.sql`json_build_object(
    'pendingReview', (
      SELECT count(*)::int FROM "PoolEntry" p JOIN "Task" t ON t.id = p."taskId"
      WHERE p."runId" = ${runId} AND p.state = 'staged' AND NOT p."isSeed" AND t."reviewState" = 'pending'),
    'epochsClosed', (
      SELECT COALESCE(json_agg(json_build_object('epoch', x.epoch, 'steps', x.steps, 'lastFinishedMs', x."lastMs") ORDER BY x.epoch), '[]'::json) FROM (
        SELECT epoch, count(*)::int AS steps, extract(epoch FROM max("finishedAt")) * 1000 AS "lastMs" FROM "Step" s
        WHERE s."runId" = ${runId} AND s.status = 'done' AND s.epoch < (SELECT "currentEpoch" FROM "Run" WHERE id = ${runId}) GROUP BY epoch
      ) x),
    'epochSteps', (
      SELECT COALESCE(json_agg(json_build_object('epoch', x.epoch, 'steps', x.steps, 'tasksPerStep', x."tasksPerStep") ORDER BY x.epoch), '[]'::json) FROM (
        SELECT epoch, count(*)::int AS steps, max(cardinality("taskIds"))::int AS "tasksPerStep" FROM "Step" WHERE "runId" = ${runId} GROUP BY epoch
      ) x),
    'groups', (
      SELECT COALESCE(json_agg(g), '[]'::json) FROM (
        SELECT GROUPING("enteredEpoch", "leftEpoch", "retireReason", state) AS set, "enteredEpoch", "leftEpoch", "retireReason", state, "isSeed", count(*)::int AS n
        FROM "PoolEntry" WHERE "runId" = ${runId}
        GROUP BY GROUPING SETS (("enteredEpoch", "isSeed"), ("leftEpoch", "isSeed", "retireReason"), (state, "isSeed"))
      ) g),
    'landing', ${landingSql(runId, DEFAULT_BINS)})`;
}

/** The overall held-out points (/compare's score curve), oldest first. */
const HELD_OUT_POINT = Prisma.sql`json_build_object('stepIndex', e."stepIndex", 'score', e.score, 'progress', e.progress)`;
function heldOutSql(runId: string): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(${HELD_OUT_POINT} ORDER BY e."stepIndex"), '[]'::json) FROM "Evaluation" e WHERE e."runId" = ${runId} AND e.split = 'test' AND e.category = 'overall')`;
}

/**
 * The overall evaluations of every split (the event log), oldest first, each with the finish time of the step it
 * follows (Evaluation.stepIndex counts the steps done before it; null before training or while that step runs). The
 * heldOut part is rewritten when an evaluation is stored and when a step closes, so a time filled in later is kept.
 */
function evaluationsSql(runId: string): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_object('stepIndex', e."stepIndex", 'split', e.split, 'score', e.score, 'n', e.n,
      'createdAtMs', extract(epoch FROM e."createdAt") * 1000, 'stepDoneMs', extract(epoch FROM s."finishedAt") * 1000) ORDER BY e."stepIndex", e.split), '[]'::json)
    FROM "Evaluation" e LEFT JOIN "Step" s ON s."runId" = e."runId" AND s.index = e."stepIndex" - 1
    WHERE e."runId" = ${runId} AND e.category = 'overall')`;
}

/** The external trainer's acknowledged steps (trainer-service.ts reads them), oldest first; times as epoch milliseconds. */
function trainerSql(runId: string): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_array(s.index, s."ackedPolicyVersion", extract(epoch FROM s."publishedAt") * 1000,
      extract(epoch FROM s."ackedAt") * 1000, s."trainerMetrics") ORDER BY s.index), '[]'::json)
    FROM "Step" s WHERE s."runId" = ${runId} AND s."ackedAt" IS NOT NULL)`;
}

/**
 * The layout of the parts this code writes: raise it when a part gains a key or the row a column, so that rows
 * written before are rebuilt once on read (readFresh) instead of every reader checking for each key.
 */
export const RUN_AGGREGATE_SHAPE = 2;

/**
 * Rewrites the given parts of a run's aggregate inside `tx` (all of them when the row is new). The row is locked
 * before the parts are computed, so of two refreshes racing the later one reads what the earlier committed.
 */
export async function refreshRunAggregateInTx({ tx, runId, parts = ALL_PARTS }: { tx: Sql; runId: string; parts?: readonly RunAggregatePart[] }): Promise<void> {
  const created = await tx.$executeRaw`
    INSERT INTO "RunAggregate" ("runId", series, synthesis, pool, "atStep", "atEpoch")
    SELECT id, '{}', '{}', '{}', -1, -1 FROM "Run" WHERE id = ${runId}
    ON CONFLICT ("runId") DO NOTHING`;
  const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "RunAggregate" WHERE "runId" = ${runId} FOR UPDATE`;
  if (locked.length === 0) return; // no such run
  const wanted = new Set(created > 0 ? ALL_PARTS : parts);
  const sets: Prisma.Sql[] = [Prisma.sql`"updatedAt" = now()`];
  // Only a rewrite of every part brings an older row to this layout.
  if (ALL_PARTS.every((p) => wanted.has(p))) sets.push(Prisma.sql`shape = ${RUN_AGGREGATE_SHAPE}`);
  // The series and the pool are what a step or an epoch close changes: the marks say how current they are.
  if (wanted.has("series")) sets.push(Prisma.sql`series = ${seriesSql(runId)}`, Prisma.sql`curve = ${seriesSql(runId, CURVE_FIELDS)}`, Prisma.sql`pace = ${paceSql(runId)}`, Prisma.sql`"atStep" = ${seriesMarkSql(runId)}`);
  if (wanted.has("synthesis")) sets.push(Prisma.sql`synthesis = ${synthesisSql(runId)}`);
  if (wanted.has("pool")) sets.push(Prisma.sql`pool = ${poolSql(runId)}`, Prisma.sql`"atEpoch" = r."currentEpoch"`);
  if (wanted.has("heldOut")) sets.push(Prisma.sql`"heldOut" = ${heldOutSql(runId)}`, Prisma.sql`evaluations = ${evaluationsSql(runId)}`);
  if (wanted.has("trainer")) sets.push(Prisma.sql`trainer = ${trainerSql(runId)}`);
  await tx.$executeRaw`UPDATE "RunAggregate" a SET ${Prisma.join(sets)} FROM "Run" r WHERE a."runId" = ${runId} AND r.id = a."runId"`;
}

/** The same in a transaction of its own (after an attempt finished or a task was reviewed). */
export async function refreshRunAggregate({ db, runId, parts }: { db: Db; runId: string; parts?: readonly RunAggregatePart[] }): Promise<void> {
  await db.$transaction((tx: Tx) => refreshRunAggregateInTx({ tx, runId, parts }));
}

/** The columns a reader selects (alias r for Run, a for RunAggregate) so that `readFresh` can tell a stale row. */
export const FRESHNESS_COLUMNS = Prisma.sql`r.id, r."currentStep", r."currentEpoch", a."atStep", a."atEpoch", a.shape`;
export const AGGREGATE_JOIN = Prisma.sql`LEFT JOIN "RunAggregate" a ON a."runId" = r.id`;

/** What FRESHNESS_COLUMNS yields. */
export interface Freshness {
  id: string;
  currentStep: number;
  currentEpoch: number;
  atStep: number | null;
  atEpoch: number | null;
  shape: number | null;
}

/**
 * Runs `read` (rows of runs joined with their RunAggregate, FRESHNESS_COLUMNS included); when a run's aggregate is
 * missing, older than its current step or epoch, or of another layout, rebuilds it (filling any missing StepAggregate
 * rows first) and reads once more.
 */
export async function readFresh<R extends Freshness>(db: Db, read: () => Promise<R[]>): Promise<R[]> {
  const rows = await read();
  const stale = rows.filter((r) => r.atStep !== r.currentStep || r.atEpoch !== r.currentEpoch || r.shape !== RUN_AGGREGATE_SHAPE);
  if (stale.length === 0) return rows;
  for (const r of stale) {
    await fillMissingStepAggregates({ db, runId: r.id });
    await refreshRunAggregate({ db, runId: r.id });
  }
  return read();
}
