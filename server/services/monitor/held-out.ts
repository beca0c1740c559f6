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

/** The overall held-out points of several runs in one query, in step order per run. */
export async function overallHeldOutOf(db: Db, runIds: readonly string[]): Promise<Map<string, HeldOutPoint[]>> {
  const rows = await db.$queryRaw<(HeldOutPoint & { runId: string })[]>`
    SELECT e."runId", ${POINT_COLUMNS} FROM "Evaluation" e
    WHERE e."runId" = ANY(${[...runIds]}::text[]) AND e.split = 'test' AND e.category = 'overall'
    ORDER BY e."runId", e."stepIndex"`;
  const out = new Map<string, HeldOutPoint[]>(runIds.map((id) => [id, []]));
  for (const { runId, ...row } of rows) out.get(runId)?.push(row);
  return out;
}
