// The procedural synthesizer (DESIGN.md §5): the five stages with no model. Plans resample functions within the
// seed's classes, arguments are grounded in the environment state, user turns come from per-function phrase
// templates, and the judge is a set of heuristic checks. Deterministic given context.seed.
import { runPipeline, type SynthesisBackend } from "../pipeline/run";
import { heuristicVerdict } from "../pipeline/text-checks";
import { createRng } from "../../rods/random";
import type { Synthesizer } from "../types";
import { planProcedurally } from "./planner";
import { planTextsProcedurally, rewriteProcedurally } from "./rewrite";

/** Plans tried per round: the first whose dependency depth equals the seed's is kept (else the closest). */
const PLAN_TRIES = 3;

export const proceduralBackend: SynthesisBackend = {
  planTries: PLAN_TRIES,
  plan: async ({ layout, rngSeed }) => planProcedurally(layout, createRng(rngSeed)),
  rewrite: async (input) => rewriteProcedurally(input),
  planTexts: (input) => planTextsProcedurally(input),
  judge: async ({ layout, execution, texts }) => {
    const turns = layout.turns
      .filter((t) => t.role === "act" || t.role === "idle")
      .map((t) => ({ text: texts.get(t.index) ?? "", calls: execution.turns[t.index] }));
    return heuristicVerdict(turns);
  },
};

export function createProceduralSynthesizer(): Synthesizer {
  return {
    backend: "procedural",
    synthesize: (seed, context) => runPipeline(seed, context, proceduralBackend),
  };
}

