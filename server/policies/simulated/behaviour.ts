// The record a rollout leaves for the update (stored as the rollout's `behaviour` JSON): every learned decision with
// the features it used and its log-probability under the parameters that took it.
import { z } from "zod";
import { MISTAKES } from "./mistakes";
import { paramKey } from "./params";

/** "ok": the ground-truth call exactly; a mistake type; at a turn whose ground truth is empty, "ask" or "act". */
export const ACTIONS = ["ok", ...MISTAKES, "ask", "act"] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * [function name (null for an ask-vs-act decision), action, fixed inherent offset, log-probability of the binary
 * choice (correct/ask vs mistake/act) under the behaviour parameters]. The mistake type is drawn from a fixed
 * distribution, so it adds the same constant to both policies' log-probabilities and is left out.
 */
export type Decision = [fn: string | null, action: Action, offset: number, logp: number];

export interface SimulatedBehaviour {
  v: 1;
  task: string;
  cat: string;
  /** dependency-depth bucket 0..4 */
  dep: number;
  d: Decision[];
}

export const ZSimulatedBehaviour = z.object({
  v: z.literal(1),
  task: z.string(),
  cat: z.string(),
  dep: z.number().int().min(0).max(4),
  d: z.array(z.tuple([z.string().nullable(), z.enum(ACTIONS), z.number().finite(), z.number().max(0)])),
});

/** 1 when the decision took the correct side (the ground-truth call, or asking), else 0. */
export function isCorrect(action: Action): boolean {
  return action === "ok" || action === "ask";
}

/** The logits a decision sums (plus its offset). */
export function decisionKeys(b: Pick<SimulatedBehaviour, "task" | "cat" | "dep">, fn: string | null): string[] {
  if (fn === null) return [paramKey.askBias, paramKey.askCategory(b.cat), paramKey.askTask(b.task)];
  return [paramKey.callBias, paramKey.fn(fn), paramKey.category(b.cat), paramKey.depth(b.dep), paramKey.task(b.task)];
}
