// Where injected tasks landed: the first r̄ of every synthesized task that entered the pool.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { DEFAULT_BINS, emptyHistogram, type Histogram } from "./histogram";
import { findMonitoredRun } from "./run-lookup";

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
  const { config } = await findMonitoredRun({ db, runId });
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
