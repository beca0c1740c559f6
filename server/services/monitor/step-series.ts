// One row per finished step (the monitor's line charts, the step slider, /compare's curves), read from Step.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { runNotFound } from "./run-lookup";

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

/** A finished step as one JSON object (times as epoch milliseconds): many rows cost more to decode than one value. */
const SERIES_OBJECT = Prisma.sql`json_build_object(
  'step', s.index, 'epoch', s.epoch, 'numTasks', s."numTasks", 'numRollouts', s."numRollouts", 'informativeFraction', s."informativeFraction",
  'meanPhi', s."meanPhi", 'gradConcentration', s."gradConcentration", 'meanReward', s."meanReward",
  'seedHard', (s.regions->'seed'->>'hard')::int, 'seedBoundary', (s.regions->'seed'->>'boundary')::int,
  'seedMastered', (s.regions->'seed'->>'mastered')::int, 'synthesizedHard', (s.regions->'synthesized'->>'hard')::int,
  'synthesizedBoundary', (s.regions->'synthesized'->>'boundary')::int, 'synthesizedMastered', (s.regions->'synthesized'->>'mastered')::int,
  'infraFailures', s."infraFailures", 'tokensIn', s."tokensIn", 'tokensOut', s."tokensOut", 'finishedAtMs', extract(epoch FROM s."finishedAt") * 1000)`;

type SeriesJson = Omit<StepSeriesRow, "finishedAt"> & { finishedAtMs: number | null };

/** The finished steps of the run `r` (alias in the enclosing query) as one JSON array, oldest first. */
export const stepSeriesJson = Prisma.sql`(SELECT COALESCE(json_agg(${SERIES_OBJECT} ORDER BY s.index), '[]'::json) FROM "Step" s WHERE s."runId" = r.id AND s.status = 'done')`;

export function fromSeriesJson(rows: readonly SeriesJson[]): StepSeriesRow[] {
  return rows.map(({ finishedAtMs, ...row }) => ({ ...row, finishedAt: finishedAtMs === null ? null : new Date(Math.round(finishedAtMs)) }));
}

/** One row per finished step, oldest first: the monitor's line charts and the step slider's stops. */
export async function getRunSeries({ db, runId }: { db: Db; runId: string }): Promise<StepSeriesRow[]> {
  const [row] = await db.$queryRaw<{ steps: SeriesJson[] }[]>`SELECT ${stepSeriesJson} AS steps FROM "Run" r WHERE r.id = ${runId}`;
  if (!row) throw runNotFound(runId);
  return fromSeriesJson(row.steps);
}
