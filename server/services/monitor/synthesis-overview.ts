// The synthesis funnel and error taxonomy of a run: sums of its steps' StepAggregate rows (each step's part is
// recomputed when one of its attempts finishes or a child task is reviewed), filled once for steps that closed
// before the aggregates existed.
import type { Db } from "../../db";
import { runNotFound } from "./run-lookup";
import { fillMissingStepAggregates } from "./step-aggregates";

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

type Sums = Record<FunnelKey | "running" | "dropped" | "pendingReview" | "rejected", number> & {
  runExists: boolean;
  currentStep: number;
  aggregatedSteps: number;
  errors: Record<string, number> | null;
};

async function readSums(db: Db, runId: string): Promise<Sums | undefined> {
  const [row] = await db.$queryRaw<Sums[]>`
    SELECT true AS "runExists", r."currentStep", g.*,
      (SELECT json_object_agg(k, n ORDER BY k) FROM (
         SELECT e.key AS k, sum(e.value::int)::int AS n
         FROM "StepAggregate" a CROSS JOIN LATERAL json_each_text(a."synthErrors") e
         WHERE a."runId" = r.id GROUP BY 1
       ) z) AS errors
    FROM "Run" r CROSS JOIN LATERAL (
      SELECT count(*)::int AS "aggregatedSteps",
        COALESCE(sum("synthAttempted"), 0)::int AS attempted, COALESCE(sum("synthPlanned"), 0)::int AS planned,
        COALESCE(sum("synthExecuted"), 0)::int AS executed, COALESCE(sum("synthRewritten"), 0)::int AS rewritten,
        COALESCE(sum("synthPassedGates"), 0)::int AS "passedGates", COALESCE(sum("synthAccepted"), 0)::int AS accepted,
        COALESCE(sum("synthApproved"), 0)::int AS approved, COALESCE(sum("synthPendingReview"), 0)::int AS "pendingReview",
        COALESCE(sum("synthRejected"), 0)::int AS rejected, COALESCE(sum("synthRunning"), 0)::int AS running,
        COALESCE(sum("synthDropped"), 0)::int AS dropped
      FROM "StepAggregate" WHERE "runId" = r.id
    ) g
    WHERE r.id = ${runId}`;
  return row;
}

/**
 * The funnel from stageReached (the stage an attempt got to; a dropped attempt's is the stage it failed in), the
 * outcome, and the child task's review state (the rules are in step-aggregates.ts).
 */
export async function getSynthesisOverview({ db, runId }: { db: Db; runId: string }): Promise<SynthesisOverview> {
  let c = await readSums(db, runId);
  if (!c) throw runNotFound(runId);
  // Fewer aggregates than finished steps: some closed before StepAggregate existed; fill them once.
  if (c.aggregatedSteps < c.currentStep && (await fillMissingStepAggregates({ db, runId })) > 0) c = (await readSums(db, runId))!;
  return {
    funnel: FUNNEL_STAGES.map((s) => ({ key: s.key, label: s.label, count: c[s.key] })),
    running: c.running,
    dropped: c.dropped,
    pendingReview: c.pendingReview,
    rejected: c.rejected,
    errors: Object.entries(c.errors ?? {}).map(([errorType, count]) => ({ errorType, count })),
  };
}
