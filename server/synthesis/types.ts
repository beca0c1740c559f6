// The synthesis seam: a seed task in, a new task of the same structure (or a typed failure) out.
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import type { RolloutTask } from "../policies/types";

export const SYNTHESIS_ERROR_TYPES = [
  "param_gen_failed",
  "decompose_failed",
  "func_sample_failed",
  "vm_exec_failed",
  "duplicate_func",
  "query_gen_failed",
  "query_verify_failed",
  "query_verify_no_tag",
  "conversation_construct_failed",
  "no_prompts",
  "no_pattern",
  "pipeline_exception",
] as const;
export type SynthesisErrorType = (typeof SYNTHESIS_ERROR_TYPES)[number];

export const SYNTHESIS_STAGES = ["plan", "execute", "rewrite", "critique", "augment", "done"] as const;
export type SynthesisStage = (typeof SYNTHESIS_STAGES)[number];

export interface SynthesizedTask {
  category: string;
  involvedClasses: string[];
  initialConfig: Record<string, Record<string, unknown>>;
  longContext: boolean;
  turns: { role: "user"; content: string }[][];
  groundTruth: GroundTruthCall[][];
  missedFunctions: Record<string, string[]>;
}

export interface GateResult {
  name: string;
  isPassed: boolean;
  detail?: string;
}

export interface SynthesisResult {
  outcome: "accepted" | "dropped";
  stageReached: SynthesisStage;
  errorType?: SynthesisErrorType;
  errorMessage?: string;
  /** config patches applied during execution, e.g. [{class: "TradingBot", field: "market_status", value: "Open", reason}] */
  configPatches: { className: string; field: string; value: unknown; reason: string }[];
  gateResults: GateResult[];
  judgeVerdict?: { isAccepted: boolean; score?: number; reasons: string[] };
  task?: SynthesizedTask;
}

export interface SynthesisContext {
  /** deterministic seed for this attempt */
  seed: number;
  /** content hashes of the tasks already in the pool (duplicate detection) */
  existingHashes: ReadonlySet<string>;
  /** K_max */
  maxPatches: number;
  /** no_rewrite: keep the plan stage's user text and skip the rewrite stage */
  skipRewrite?: boolean;
  signal?: AbortSignal;
  /** told of every model reply's token usage (llm backend), so the attempt's cost is known even when it fails */
  onModelUsage?: (usage: ModelUsage) => void;
}

export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface Synthesizer {
  readonly backend: "procedural" | "llm";
  synthesize(seed: RolloutTask, context: SynthesisContext): Promise<SynthesisResult>;
}
