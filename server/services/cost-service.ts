// What synthesis costs beside the training rollouts, per run: sums of the costs the jobs stored (the SynthesisAttempt
// rows' sums kept in the run's RunAggregate; per-step rollout aggregates, never the rollouts themselves), handed to
// the share rule in server/rods.
import type { Db } from "../db";
import { AppError } from "../errors";
import { modeFlags, type TRunConfig } from "../rods/config";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, type Freshness } from "./monitor/run-aggregate";
import { costShare, NO_COST, type CostShare, type CostTotals } from "../rods/cost-share";

/** Runs asked for at once (the comparison and a study's grid stay well below). */
export const MAX_COST_RUNS = 200;

export interface RunCost extends CostShare {
  runId: string;
  synthesis: CostTotals & { modelCalls: number };
  rollouts: CostTotals;
  synthesizer: "procedural" | "llm";
  policy: "simulated" | "openai";
}

type AttemptSums = CostTotals & { modelCalls: number };
type StepSums = CostTotals;

/** Cost shares of the given runs, in the order asked; an unknown id is a 404 (left out with skipMissing: a run deleted meanwhile). */
export async function getRunCosts({ db, runIds, skipMissing = false }: { db: Db; runIds: readonly string[]; skipMissing?: boolean }): Promise<RunCost[]> {
  const ids = [...new Set(runIds)];
  if (ids.length > MAX_COST_RUNS) throw new AppError("BAD_REQUEST", `Ask for the costs of at most ${MAX_COST_RUNS} runs at once.`);
  if (ids.length === 0) return [];
  // One statement: each run with its aggregate's attempt sums (kept in RunAggregate.synthesis, rewritten whenever an
  // attempt is created or finishes) and its done steps' sums (a step's tokens and job times are summed when it finishes).
  const runs = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { mode: string; config: unknown; attempts: AttemptSums | null; steps: StepSums })[]>`
      SELECT ${FRESHNESS_COLUMNS}, r.mode::text AS mode, r.config, a.synthesis->'cost' AS attempts,
        (SELECT json_build_object('count', COALESCE(sum(s."numRollouts"), 0), 'tokensIn', COALESCE(sum(s."tokensIn"), 0), 'tokensOut', COALESCE(sum(s."tokensOut"), 0),
                                  'wallMs', COALESCE(sum(s."rolloutWallMs"), 0), 'cpuMs', COALESCE(sum(s."rolloutCpuMs"), 0))
         FROM "Step" s WHERE s."runId" = r.id AND s.status = 'done') AS steps
      FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ANY(${ids}::text[])`,
  );
  const byId = new Map(runs.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing && !skipMissing) throw new AppError("NOT_FOUND", `No run with id "${missing}"; pick runs from the runs list.`);
  return ids.filter((id) => byId.has(id)).map((id) => {
    const run = byId.get(id)!;
    const config = run.config as unknown as TRunConfig;
    const a = run.attempts;
    const synthesis = a ? { count: a.count, tokensIn: a.tokensIn, tokensOut: a.tokensOut, wallMs: a.wallMs, cpuMs: a.cpuMs, modelCalls: a.modelCalls } : { ...NO_COST, modelCalls: 0 };
    const s = run.steps;
    const rollouts = { count: s.count, tokensIn: s.tokensIn, tokensOut: s.tokensOut, wallMs: s.wallMs, cpuMs: s.cpuMs };
    const synthesizer = config.synthesizer?.kind ?? "procedural";
    const policy = config.policy?.kind ?? "simulated";
    const share = costShare({ synthesizes: modeFlags(run.mode as TRunConfig["mode"]).synthesizes, synthesizer, policy, rolloutsBy: config.rollouts ?? "rods", synthesis, rollouts });
    return { runId: id, ...share, synthesis, rollouts, synthesizer, policy };
  });
}
