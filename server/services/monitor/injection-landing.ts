// Where injected tasks landed: the first r̄ of every synthesized task that entered the pool.
import type { Db } from "../../db";
import type { TRunConfig } from "../../rods/config";
import { DEFAULT_BINS, emptyHistogram, type Histogram } from "./histogram";
import { runNotFound } from "./run-lookup";

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
  // One round trip: the run's thresholds, one pass over its injected tasks for the counts and the bins.
  type Row = { config: TRunConfig; injected: number; unobserved: number; hard: number; boundary: number; mastered: number; belowBurnIn: number; bins: [number, number][] };
  const [row] = await db.$queryRaw<Row[]>`
    WITH r AS (
      SELECT config, (config->>'alphaMinus')::float8 AS am, (config->>'alphaPlus')::float8 AS ap, (config->>'burnInThreshold')::float8 AS bt
      FROM "Run" WHERE id = ${runId}
    ), p AS (
      SELECT "firstMean" FROM "PoolEntry" WHERE "runId" = ${runId} AND NOT "isSeed" AND "enteredEpoch" IS NOT NULL
    )
    SELECT r.config, t.*, (
      SELECT COALESCE(json_agg(json_build_array(b.bin, b.n)), '[]'::json) FROM (
        SELECT GREATEST(1, LEAST(width_bucket("firstMean", 0, 1, ${bins}::int), ${bins}::int)) AS bin, count(*)::int AS n
        FROM p WHERE "firstMean" IS NOT NULL GROUP BY 1
      ) b
    ) AS bins
    FROM r CROSS JOIN LATERAL (
      SELECT count(*)::int AS injected,
        count(*) FILTER (WHERE "firstMean" IS NULL)::int AS unobserved,
        count(*) FILTER (WHERE "firstMean" < r.am)::int AS hard,
        count(*) FILTER (WHERE "firstMean" >= r.am AND "firstMean" <= r.ap)::int AS boundary,
        count(*) FILTER (WHERE "firstMean" > r.ap)::int AS mastered,
        count(*) FILTER (WHERE "firstMean" < r.bt)::int AS "belowBurnIn"
      FROM p
    ) t`;
  if (!row) throw runNotFound(runId);
  const { alphaMinus, alphaPlus, burnInThreshold } = row.config;
  const totals = row;
  const binRows = row.bins.map(([bin, n]) => ({ bin, n }));
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
