// The policy seam: anything that can roll out a task through the tool-call interface.
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import type { ToolCall } from "../envs/types";

/** A task as the policies and the verifier need it (no database ids beyond `id`). */
export interface RolloutTask {
  id: string;
  category: string;
  involvedClasses: string[];
  initialConfig: Record<string, Record<string, unknown>>;
  longContext: boolean;
  /** per turn, the user messages (an empty turn in miss_func releases held-back tools) */
  turns: { role: "user"; content: string }[][];
  groundTruth: GroundTruthCall[][];
  missedFunctions: Record<string, string[]>;
  /** dependency depth of the ground truth (structure profile), when known */
  dependencyDepth?: number | null;
  /** the seed a synthesized task was made from (its own parent chain included), when known */
  parent?: RolloutTask | null;
}

/** One message of an OpenAI chat trajectory. */
export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface RolloutResult {
  /** the whole conversation, OpenAI format */
  messages: ChatMessage[];
  /** the calls the environment executed, per user turn (turns never reached are absent) */
  modelCalls: ToolCall[][];
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  /** set when the rollout could not be completed for infrastructure reasons (never scored as reward 0) */
  infraError?: string;
  /** policy-specific record needed for its update (the simulated learner's decisions and log-probabilities) */
  behaviour?: unknown;
}

export interface RolloutOptions {
  /** index of the sample within the task's group, 0..K-1 */
  sample: number;
  /** deterministic seed for this rollout (run seed, step, task, sample) */
  seed: number;
  /** greedy decoding / most likely action (held-out evaluation) */
  isGreedy?: boolean;
  signal?: AbortSignal;
}

export interface Policy {
  rollout(task: RolloutTask, options: RolloutOptions): Promise<RolloutResult>;
}
