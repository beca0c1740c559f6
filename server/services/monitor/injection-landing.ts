// Where injected tasks landed: the first r̄ of every synthesized task that entered the pool.
import type { Db } from "../../db";
import type { TRunConfig } from "../../rods/config";
import { DEFAULT_BINS, emptyHistogram, type Histogram } from "./histogram";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, landingSql, readFresh, type Freshness } from "./run-aggregate";
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

type LandingJson = Omit<InjectionLanding, "histogram" | "thresholds"> & { bins: [number, number][] };

/**
 * The first r̄ of every synthesized task that entered the active pool, against the boundary band [α−, α+]. Kept in
 * the run's RunAggregate with the default bins; other bin counts are counted from PoolEntry.
 */
export async function getInjectionLanding({ db, runId, bins = DEFAULT_BINS }: { db: Db; runId: string; bins?: number }): Promise<InjectionLanding> {
  const [row] =
    bins === DEFAULT_BINS
      ? await readFresh(
          db,
          () => db.$queryRaw<(Freshness & { config: TRunConfig; pool: { landing: LandingJson } })[]>`
            SELECT ${FRESHNESS_COLUMNS}, r.config, a.pool FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
        )
      : await db.$queryRaw<{ config: TRunConfig; pool: { landing: LandingJson } }[]>`
          SELECT r.config, json_build_object('landing', ${landingSql(runId, bins)}) AS pool FROM "Run" r WHERE r.id = ${runId}`;
  if (!row) throw runNotFound(runId);
  const { alphaMinus, alphaPlus, burnInThreshold } = row.config;
  const landing = row.pool.landing;
  const histogram = emptyHistogram(0, 1, bins);
  for (const [bin, n] of landing.bins) histogram.counts[bin - 1] = n;
  return {
    histogram,
    injected: landing.injected,
    unobserved: landing.unobserved,
    hard: landing.hard,
    boundary: landing.boundary,
    mastered: landing.mastered,
    belowBurnIn: landing.belowBurnIn,
    thresholds: { alphaMinus, alphaPlus, burnInThreshold },
  };
}
