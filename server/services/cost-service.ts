// What synthesis costs beside the training rollouts, per run: sums of the costs the jobs stored (SynthesisAttempt
// rows; per-step rollout aggregates, never the rollouts themselves), handed to the share rule in server/rods.
import type { Db } from "../db";
import { AppError } from "../errors";
import { modeFlags, type TRunConfig } from "../rods/config";
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

/** Cost shares of the given runs, in the order asked; an unknown id is a 404 (left out with skipMissing: a run deleted meanwhile). */
export async function getRunCosts({ db, runIds, skipMissing = false }: { db: Db; runIds: readonly string[]; skipMissing?: boolean }): Promise<RunCost[]> {
  const ids = [...new Set(runIds)];
  if (ids.length > MAX_COST_RUNS) throw new AppError("BAD_REQUEST", `Ask for the costs of at most ${MAX_COST_RUNS} runs at once.`);
  if (ids.length === 0) return [];
  const [runs, attempts, steps] = await Promise.all([
    db.run.findMany({ where: { id: { in: ids } }, select: { id: true, mode: true, config: true } }),
    db.synthesisAttempt.groupBy({
      by: ["runId"],
      where: { runId: { in: ids } },
      _count: { _all: true },
      _sum: { tokensIn: true, tokensOut: true, modelCalls: true, wallMs: true, cpuMs: true },
    }),
    // Done steps only: a step's tokens and job times are summed when it finishes.
    db.step.groupBy({
      by: ["runId"],
      where: { runId: { in: ids }, status: "done" },
      _sum: { numRollouts: true, tokensIn: true, tokensOut: true, rolloutWallMs: true, rolloutCpuMs: true },
    }),
  ]);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing && !skipMissing) throw new AppError("NOT_FOUND", `No run with id "${missing}"; pick runs from the runs list.`);
  const attemptsOf = new Map(attempts.map((a) => [a.runId, a]));
  const stepsOf = new Map(steps.map((s) => [s.runId, s]));
  return ids.filter((id) => byId.has(id)).map((id) => {
    const run = byId.get(id)!;
    const config = run.config as unknown as TRunConfig;
    const a = attemptsOf.get(id);
    const s = stepsOf.get(id);
    const synthesis = a
      ? { count: a._count._all, tokensIn: a._sum.tokensIn ?? 0, tokensOut: a._sum.tokensOut ?? 0, wallMs: a._sum.wallMs ?? 0, cpuMs: a._sum.cpuMs ?? 0, modelCalls: a._sum.modelCalls ?? 0 }
      : { ...NO_COST, modelCalls: 0 };
    const rollouts = s
      ? { count: s._sum.numRollouts ?? 0, tokensIn: s._sum.tokensIn ?? 0, tokensOut: s._sum.tokensOut ?? 0, wallMs: s._sum.rolloutWallMs ?? 0, cpuMs: s._sum.rolloutCpuMs ?? 0 }
      : NO_COST;
    const synthesizer = config.synthesizer?.kind ?? "procedural";
    const policy = config.policy?.kind ?? "simulated";
    const share = costShare({ synthesizes: modeFlags(run.mode).synthesizes, synthesizer, policy, rolloutsBy: config.rollouts ?? "rods", synthesis, rollouts });
    return { runId: id, ...share, synthesis, rollouts, synthesizer, policy };
  });
}
