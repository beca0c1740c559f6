// Held-out evaluation scores over training, overall and per category.
import type { Db } from "../../db";
import { findMonitoredRun } from "./run-lookup";

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

export async function getHeldOutSeries({ db, runId }: { db: Db; runId: string }): Promise<HeldOutPoint[]> {
  await findMonitoredRun({ db, runId });
  return heldOutPoints(db, runId);
}

export function heldOutPoints(db: Db, runId: string, onlyOverall = false): Promise<HeldOutPoint[]> {
  return db.evaluation.findMany({
    where: { runId, split: "test", ...(onlyOverall ? { category: "overall" } : {}) },
    select: { stepIndex: true, epoch: true, category: true, score: true, progress: true, n: true },
    orderBy: [{ stepIndex: "asc" }, { category: "asc" }],
  });
}
