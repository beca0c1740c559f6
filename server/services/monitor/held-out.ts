// Held-out evaluation scores over training, overall and per category.
import type { Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { runNotFound } from "./run-lookup";

export interface HeldOutPoint {
  stepIndex: number;
  epoch: number;
  category: string;
  /** binary success rate (BFCL accuracy) */
  score: number;
  /** mean progress reward R_P */
  progress: number;
  n: number;
}

const POINT_COLUMNS = Prisma.sql`e."stepIndex", e.epoch, e.category, e.score, e.progress, e.n`;

export async function getHeldOutSeries({ db, runId }: { db: Db; runId: string }): Promise<HeldOutPoint[]> {
  // The run joined in: a missing run (no row) and a run not evaluated yet (one row of nulls) in one round trip.
  const rows = await db.$queryRaw<HeldOutPoint[]>`
    SELECT ${POINT_COLUMNS} FROM "Run" r LEFT JOIN "Evaluation" e ON e."runId" = r.id AND e.split = 'test'
    WHERE r.id = ${runId}
    ORDER BY e."stepIndex", e.category`;
  if (rows.length === 0) throw runNotFound(runId);
  return rows.filter((r) => r.stepIndex !== null);
}
