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

const SERIES_COLUMNS = Prisma.sql`
  s.index AS step, s.epoch, s."numTasks", s."numRollouts", s."informativeFraction", s."meanPhi", s."gradConcentration", s."meanReward",
  (s.regions->'seed'->>'hard')::int AS "seedHard",
  (s.regions->'seed'->>'boundary')::int AS "seedBoundary",
  (s.regions->'seed'->>'mastered')::int AS "seedMastered",
  (s.regions->'synthesized'->>'hard')::int AS "synthesizedHard",
  (s.regions->'synthesized'->>'boundary')::int AS "synthesizedBoundary",
  (s.regions->'synthesized'->>'mastered')::int AS "synthesizedMastered",
  s."infraFailures", s."tokensIn", s."tokensOut", s."finishedAt"`;

/** One row per finished step, oldest first: the monitor's line charts and the step slider's stops. */
export async function getRunSeries({ db, runId }: { db: Db; runId: string }): Promise<StepSeriesRow[]> {
  // The run joined in, so a missing run and a run with no finished step are told apart in one round trip.
  const rows = await db.$queryRaw<(StepSeriesRow & { runId: string })[]>`
    SELECT r.id AS "runId", ${SERIES_COLUMNS}
    FROM "Run" r LEFT JOIN "Step" s ON s."runId" = r.id AND s.status = 'done'
    WHERE r.id = ${runId}
    ORDER BY s.index`;
  if (rows.length === 0) throw runNotFound(runId);
  return rows.filter((r) => r.step !== null).map(({ runId: _, ...row }) => row);
}
