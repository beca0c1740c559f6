// One row per finished step (the monitor's line charts, the step slider, /compare's curves): each step's row is
// built once when it closes (StepAggregate.series) and kept for the whole run, column-wise, in RunAggregate.series.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, type Freshness } from "./run-aggregate";
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

/** A finished step `s` as one JSON object (times as epoch milliseconds), stored in its StepAggregate. */
export const SERIES_OBJECT = Prisma.sql`json_build_object(
  'step', s.index, 'epoch', s.epoch, 'numTasks', s."numTasks", 'numRollouts', s."numRollouts", 'informativeFraction', s."informativeFraction",
  'meanPhi', s."meanPhi", 'gradConcentration', s."gradConcentration", 'meanReward', s."meanReward",
  'seedHard', (s.regions->'seed'->>'hard')::int, 'seedBoundary', (s.regions->'seed'->>'boundary')::int,
  'seedMastered', (s.regions->'seed'->>'mastered')::int, 'synthesizedHard', (s.regions->'synthesized'->>'hard')::int,
  'synthesizedBoundary', (s.regions->'synthesized'->>'boundary')::int, 'synthesizedMastered', (s.regions->'synthesized'->>'mastered')::int,
  'infraFailures', s."infraFailures", 'tokensIn', s."tokensIn", 'tokensOut', s."tokensOut", 'finishedAtMs', extract(epoch FROM s."finishedAt") * 1000)`;

export type SeriesJson = Omit<StepSeriesRow, "finishedAt"> & { finishedAtMs: number | null };

/** The fields of a series row, as RunAggregate.series holds them (one array per field, oldest step first). */
export const SERIES_FIELDS = [
  "step",
  "epoch",
  "numTasks",
  "numRollouts",
  "informativeFraction",
  "meanPhi",
  "gradConcentration",
  "meanReward",
  "seedHard",
  "seedBoundary",
  "seedMastered",
  "synthesizedHard",
  "synthesizedBoundary",
  "synthesizedMastered",
  "infraFailures",
  "tokensIn",
  "tokensOut",
  "finishedAtMs",
] as const satisfies readonly (keyof SeriesJson)[];
export type SeriesColumns = { [F in (typeof SERIES_FIELDS)[number]]: SeriesJson[F][] };

/** The series fields /compare's curves and summary read (RunAggregate.curve): about half the series' bytes. */
export const CURVE_FIELDS = [
  "step",
  "numRollouts",
  "informativeFraction",
  "seedHard",
  "seedBoundary",
  "seedMastered",
  "synthesizedHard",
  "synthesizedBoundary",
  "synthesizedMastered",
  "finishedAtMs",
] as const satisfies readonly (typeof SERIES_FIELDS)[number][];
export type CurveColumns = Pick<SeriesColumns, (typeof CURVE_FIELDS)[number]>;

/** The stored columns as rows. Fields written out, not spread: V8 copies through rest/spread about 20× slower. */
export function fromSeriesColumns(c: SeriesColumns): StepSeriesRow[] {
  const rows: StepSeriesRow[] = new Array(c.step.length);
  for (let i = 0; i < rows.length; i++) {
    const finishedAtMs = c.finishedAtMs[i]!;
    rows[i] = {
      step: c.step[i]!,
      epoch: c.epoch[i]!,
      numTasks: c.numTasks[i]!,
      numRollouts: c.numRollouts[i]!,
      informativeFraction: c.informativeFraction[i]!,
      meanPhi: c.meanPhi[i]!,
      gradConcentration: c.gradConcentration[i]!,
      meanReward: c.meanReward[i]!,
      seedHard: c.seedHard[i]!,
      seedBoundary: c.seedBoundary[i]!,
      seedMastered: c.seedMastered[i]!,
      synthesizedHard: c.synthesizedHard[i]!,
      synthesizedBoundary: c.synthesizedBoundary[i]!,
      synthesizedMastered: c.synthesizedMastered[i]!,
      infraFailures: c.infraFailures[i]!,
      tokensIn: c.tokensIn[i]!,
      tokensOut: c.tokensOut[i]!,
      finishedAt: finishedAtMs === null ? null : new Date(Math.round(finishedAtMs)),
    };
  }
  return rows;
}

/** One row per finished step, oldest first: the monitor's line charts and the step slider's stops. */
export async function getRunSeries({ db, runId }: { db: Db; runId: string }): Promise<StepSeriesRow[]> {
  const [row] = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { series: SeriesColumns })[]>`
      SELECT ${FRESHNESS_COLUMNS}, a.series FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  if (!row) throw runNotFound(runId);
  return fromSeriesColumns(row.series);
}
