// The synthesis funnel and error taxonomy of a run: the sums of its steps' StepAggregate rows kept in its
// RunAggregate (each step's part and the sums are recomputed when one of its attempts finishes or a child task is
// reviewed).
import type { Db } from "../../db";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, type Freshness } from "./run-aggregate";
import { runNotFound } from "./run-lookup";

export const FUNNEL_STAGES = [
  { key: "attempted", label: "attempted" },
  { key: "planned", label: "planned" },
  { key: "executed", label: "executed" },
  { key: "rewritten", label: "rewritten" },
  { key: "passedGates", label: "passed gates" },
  { key: "accepted", label: "accepted" },
  { key: "approved", label: "approved" },
] as const;
export type FunnelKey = (typeof FUNNEL_STAGES)[number]["key"];

export interface SynthesisOverview {
  funnel: { key: FunnelKey; label: string; count: number }[];
  running: number;
  dropped: number;
  pendingReview: number;
  rejected: number;
  errors: { errorType: string; count: number }[];
}

type Sums = Record<FunnelKey | "running" | "dropped" | "pendingReview" | "rejected", number> & { errors: Record<string, number> };

/**
 * The funnel from stageReached (the stage an attempt got to; a dropped attempt's is the stage it failed in), the
 * outcome, and the child task's review state (the rules are in step-aggregates.ts).
 */
export async function getSynthesisOverview({ db, runId }: { db: Db; runId: string }): Promise<SynthesisOverview> {
  const [row] = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { synthesis: Sums })[]>`
      SELECT ${FRESHNESS_COLUMNS}, a.synthesis FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  if (!row) throw runNotFound(runId);
  const c = row.synthesis;
  return {
    funnel: FUNNEL_STAGES.map((s) => ({ key: s.key, label: s.label, count: c[s.key] })),
    running: c.running,
    dropped: c.dropped,
    pendingReview: c.pendingReview,
    rejected: c.rejected,
    errors: Object.entries(c.errors).map(([errorType, count]) => ({ errorType, count })),
  };
}
