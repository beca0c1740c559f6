// One row per finished step (the monitor's line charts, the step slider, /compare's curves): each step's row is
// built once when it closes (StepAggregate.series) and read as one JSON array.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { runNotFound } from "./run-lookup";
import { fillMissingStepAggregates } from "./step-aggregates";

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

/** A finished step `s` as one JSON object (times as epoch milliseconds), stored in its StepAggregate. */
export const SERIES_OBJECT = Prisma.sql`json_build_object(
  'step', s.index, 'epoch', s.epoch, 'numTasks', s."numTasks", 'numRollouts', s."numRollouts", 'informativeFraction', s."informativeFraction",
  'meanPhi', s."meanPhi", 'gradConcentration', s."gradConcentration", 'meanReward', s."meanReward",
  'seedHard', (s.regions->'seed'->>'hard')::int, 'seedBoundary', (s.regions->'seed'->>'boundary')::int,
  'seedMastered', (s.regions->'seed'->>'mastered')::int, 'synthesizedHard', (s.regions->'synthesized'->>'hard')::int,
  'synthesizedBoundary', (s.regions->'synthesized'->>'boundary')::int, 'synthesizedMastered', (s.regions->'synthesized'->>'mastered')::int,
  'infraFailures', s."infraFailures", 'tokensIn', s."tokensIn", 'tokensOut', s."tokensOut", 'finishedAtMs', extract(epoch FROM s."finishedAt") * 1000)`;

export type SeriesJson = Omit<StepSeriesRow, "finishedAt"> & { finishedAtMs: number | null };

/** The stored series rows of the run `r` (alias in the enclosing query) as one JSON array, oldest first. */
export const stepSeriesJson = Prisma.sql`(SELECT COALESCE(json_agg(g.series ORDER BY g."stepIndex"), '[]'::json) FROM "StepAggregate" g WHERE g."runId" = r.id)`;

export function fromSeriesJson(rows: readonly SeriesJson[]): StepSeriesRow[] {
  return rows.map(({ finishedAtMs, ...row }) => ({ ...row, finishedAt: finishedAtMs === null ? null : new Date(Math.round(finishedAtMs)) }));
}

/** One row per finished step, oldest first: the monitor's line charts and the step slider's stops. */
export async function getRunSeries({ db, runId }: { db: Db; runId: string }): Promise<StepSeriesRow[]> {
  const read = () => db.$queryRaw<{ currentStep: number; steps: SeriesJson[] }[]>`SELECT r."currentStep", ${stepSeriesJson} AS steps FROM "Run" r WHERE r.id = ${runId}`;
  let [row] = await read();
  if (!row) throw runNotFound(runId);
  // Fewer rows than finished steps: some closed before StepAggregate existed; fill them once.
  if (row.steps.length < row.currentStep && (await fillMissingStepAggregates({ db, runId })) > 0) [row] = await read();
  return fromSeriesJson(row!.steps);
}
