// What online synthesis costs beside the training rollouts, as a share: the trade-off the method makes (new tasks at
// the boundary for extra work). Per metric the share is a ratio of sums over the run, Σ synthesis / (Σ synthesis +
// Σ rollouts), never a mean of per-step ratios. The headline share uses the metric that both sides spend:
// tokens when an llm synthesizes, worker CPU when the procedural synthesizer meets the simulated learner (both run
// on the worker), job wall time when the procedural synthesizer meets a policy behind a server.

import { areTokensEstimated } from "./token-estimate";

export type CostMetric = "tokens" | "wall" | "cpu";
export const COST_METRICS: readonly CostMetric[] = ["tokens", "wall", "cpu"];

export interface CostTotals {
  /** synthesis attempts, or rollouts */
  count: number;
  tokensIn: number;
  tokensOut: number;
  wallMs: number;
  cpuMs: number;
}

export const NO_COST: CostTotals = { count: 0, tokensIn: 0, tokensOut: 0, wallMs: 0, cpuMs: 0 };

export interface CostShareInput {
  /** false for static runs: nothing is synthesized, the share is 0 */
  synthesizes: boolean;
  synthesizer: "procedural" | "llm";
  policy: "simulated" | "openai";
  /** "trainer": the trainer rolls out itself, so RODS sees neither the time nor the tokens of rollouts */
  rolloutsBy: "rods" | "trainer";
  synthesis: CostTotals;
  rollouts: CostTotals;
}

export interface MetricShare {
  metric: CostMetric;
  /** tokens, or seconds */
  synthesis: number;
  rollouts: number;
  /** 0–1; null when it cannot be told (nothing measured yet, or one side is not measured) */
  share: number | null;
  /** a side of it is an estimate (the simulated learner's tokens) */
  isEstimated: boolean;
  /** why the share is what it is, when that needs saying */
  note: string | null;
}

export interface CostShare {
  /** false for a mode that does not synthesize (its share is 0) */
  synthesizes: boolean;
  basis: CostMetric;
  share: number | null;
  isEstimated: boolean;
  /** what the headline share compares, in words */
  basisText: string;
  metrics: Record<CostMetric, MetricShare>;
  attempts: number;
  rolloutCount: number;
}

/** The metric the headline share uses for this pair of synthesizer and policy. */
export function costBasis({ synthesizer, policy }: Pick<CostShareInput, "synthesizer" | "policy">): CostMetric {
  if (synthesizer === "llm") return "tokens";
  return policy === "simulated" ? "cpu" : "wall";
}

const BASIS_TEXTS: Readonly<Record<CostMetric, string>> = {
  tokens: "model tokens (prompt + completion): the llm synthesizer's against the policy's rollouts",
  cpu: "worker CPU seconds: procedural synthesis against the simulated learner's rollouts, both run by the worker",
  wall: "job wall time: procedural synthesis jobs against rollout jobs waiting on the policy's server",
};

const ESTIMATED_TOKENS = "the simulated learner's tokens are estimated (characters of its messages / 4)";

function valueOf(totals: CostTotals, metric: CostMetric): number {
  if (metric === "tokens") return totals.tokensIn + totals.tokensOut;
  return (metric === "wall" ? totals.wallMs : totals.cpuMs) / 1000;
}

function metricShare(input: CostShareInput, metric: CostMetric): MetricShare {
  const synthesis = valueOf(input.synthesis, metric);
  const rollouts = valueOf(input.rollouts, metric);
  const isEstimated = metric === "tokens" && areTokensEstimated(input.policy);
  const base = { metric, synthesis, rollouts, isEstimated };
  if (!input.synthesizes) return { ...base, share: 0, note: "this mode does not synthesize" };
  if (input.rolloutsBy === "trainer") return { ...base, share: null, note: "the trainer rolls out itself: RODS does not see what rollouts cost" };
  const note = metric === "tokens" && input.synthesizer === "procedural" ? "the procedural synthesizer uses no model" : isEstimated ? ESTIMATED_TOKENS : null;
  if (synthesis + rollouts <= 0) return { ...base, share: null, note: note ?? "nothing measured yet" };
  return { ...base, share: synthesis / (synthesis + rollouts), note };
}

/** Synthesis against training rollouts, per metric and as one headline share (see the header for the rule). */
export function costShare(input: CostShareInput): CostShare {
  const metrics = Object.fromEntries(COST_METRICS.map((m) => [m, metricShare(input, m)])) as Record<CostMetric, MetricShare>;
  const basis = costBasis(input);
  const headline = metrics[basis];
  return {
    synthesizes: input.synthesizes,
    basis,
    share: headline.share,
    isEstimated: headline.isEstimated,
    basisText: headline.isEstimated ? `${BASIS_TEXTS[basis]}; ${ESTIMATED_TOKENS}` : BASIS_TEXTS[basis],
    metrics,
    attempts: input.synthesis.count,
    rolloutCount: input.rollouts.count,
  };
}
