// One row per finished step (the monitor's line charts, the step slider, /compare's curves), read from Step.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { findMonitoredRun } from "./run-lookup";

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

export async function stepSeries(db: Db, runId: string): Promise<StepSeriesRow[]> {
  return db.$queryRaw<StepSeriesRow[]>(Prisma.sql`
    SELECT index AS step, epoch, "numTasks", "numRollouts", "informativeFraction", "meanPhi", "gradConcentration", "meanReward",
      (regions->'seed'->>'hard')::int AS "seedHard",
      (regions->'seed'->>'boundary')::int AS "seedBoundary",
      (regions->'seed'->>'mastered')::int AS "seedMastered",
      (regions->'synthesized'->>'hard')::int AS "synthesizedHard",
      (regions->'synthesized'->>'boundary')::int AS "synthesizedBoundary",
      (regions->'synthesized'->>'mastered')::int AS "synthesizedMastered",
      "infraFailures", "tokensIn", "tokensOut", "finishedAt"
    FROM "Step" WHERE "runId" = ${runId} AND status = 'done'
    ORDER BY index`);
}

/** One row per finished step, oldest first: the monitor's line charts and the step slider's stops. */
export async function getRunSeries({ db, runId }: { db: Db; runId: string }): Promise<StepSeriesRow[]> {
  await findMonitoredRun({ db, runId });
  return stepSeries(db, runId);
}
