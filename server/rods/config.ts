// Run settings: every threshold of the method with the paper's default, validated once (UI, CLI, REST, worker).
import { z } from "zod";
import { endpointUrlProblem } from "./endpoint";

export const RUN_MODES = ["rods", "static", "random_seeds", "binary_reward", "no_retirement", "no_refresh", "no_rewrite"] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const ZSimulatedPolicy = z.object({
  kind: z.literal("simulated"),
  /** step size of the GRPO update on the learner's logits (plain SGD; see adamStepSize for the default optimiser) */
  learningRate: z.number().positive().max(10).default(0.5),
  /** adam: per-logit normalised steps (scale-free, so diluting groups do not shrink the step); sgd: plain steps */
  optimizer: z.enum(["adam", "sgd"]).default("adam"),
  /** Adam's step size for a task's own logits (shared skill logits take a tenth); README of the simulated learner */
  adamStepSize: z.number().positive().max(5).default(0.3),
  /** PPO-style clipping of the ratio against the behaviour policy */
  clip: z.number().positive().max(1).default(0.2),
  /** coefficient of the KL penalty towards the initial parameters (0 = none) */
  klCoef: z.number().min(0).max(10).default(0),
  /** passes over each step's groups in the update */
  updateEpochs: z.number().int().min(1).max(8).default(2),
});

export const ZOpenAIEndpoint = z.object({
  baseUrl: z
    .string()
    .max(2000)
    .superRefine((v, ctx) => {
      const problem = endpointUrlProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  model: z.string().min(1).max(200),
  /** name of the worker's environment variable that holds the API key (the key itself is never stored) */
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).max(100).optional(),
  timeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
  maxRetries: z.number().int().min(0).max(10).default(4),
  concurrency: z.number().int().min(1).max(256).default(8),
});

export const ZOpenAIPolicy = ZOpenAIEndpoint.extend({
  kind: z.literal("openai"),
  temperature: z.number().min(0).max(2).default(0.7),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(16).max(32_768).default(1024),
  /** model steps allowed per user turn (BFCL: 20) */
  maxStepsPerTurn: z.number().int().min(1).max(50).default(20),
  /**
   * system prompt of held-out evaluation; null = none, as BFCL scores (evaluation always runs at temperature 0).
   * Training rollouts use it too when set, else RODS's short default prompt.
   */
  systemPrompt: z.string().min(1).max(20_000).nullable().default(null),
  /**
   * ask the server for the log-probability of every sampled token (OpenAI's `logprobs: true`); what it returns, and
   * token ids where the server sends them (vLLM), reach an external trainer with each batch
   */
  logprobs: z.boolean().default(false),
});

export const ZPolicyConfig = z.discriminatedUnion("kind", [ZSimulatedPolicy, ZOpenAIPolicy]);

export const ZSynthesizerConfig = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("procedural") }),
  ZOpenAIEndpoint.extend({ kind: z.literal("llm"), temperature: z.number().min(0).max(2).default(0.7) }),
]);

/** Dataset names: short, printable, no path or control characters (used in URLs, logs and file names). */
export const ZDatasetName = z
  .string()
  .trim()
  .min(1, "give the dataset a name")
  .max(200, "use at most 200 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-' only, starting with a letter or digit");

export const ZRunConfig = z
  .object({
    mode: z.enum(RUN_MODES).default("rods"),
    datasetName: ZDatasetName.default("bfcl-v3"),
    /** seed of every random choice of the run (shuffles, rollouts, synthesis) */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    epochs: z.number().int().min(1).max(1000).default(8),
    /** training budget: the run ends after this many policy updates (steps), or at `epochs`, whichever comes first */
    budgetSteps: z.number().int().min(1).max(1_000_000).nullable().default(null),
    /** training budget: no step starts once this many rollouts were consumed (or at `epochs`) */
    budgetRollouts: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
    /** rollouts per task per step (GRPO group size) */
    k: z.number().int().min(2).max(128).default(16),
    /** tasks per step */
    batchSize: z.number().int().min(1).max(4096).default(100),
    /** use only the first N train seeds (by category and scenario index, spread over categories); null = all */
    limitSeeds: z.number().int().min(1).max(100_000).nullable().default(null),
    alphaMinus: z.number().min(0).max(1).default(0.2),
    alphaPlus: z.number().min(0).max(1).default(0.85),
    /** boundary seeds per category per step */
    seedQuotaPerCategory: z.number().int().min(0).max(1000).default(4),
    /** a task that was a seed in the last `cooldownSteps` steps is not picked again */
    cooldownSteps: z.number().int().min(0).max(1000).default(5),
    /** K_max: config patches tried when a synthesized call fails for a patchable reason */
    maxPatches: z.number().int().min(0).max(10).default(3),
    /** P_max: synthesized tasks kept in the active pool at most */
    pMax: z.number().int().min(0).max(100_000).default(400),
    /** β: new tasks injected per epoch, as a fraction of the active pool */
    beta: z.number().min(0).max(1).default(0.2),
    burnInThreshold: z.number().min(0).max(1).default(0.2),
    driftHigh: z.number().min(0).max(1).default(0.95),
    driftLow: z.number().min(0).max(1).default(0.2),
    /** observations of a task over which drift retirement averages r̄ */
    driftWindow: z.number().int().min(1).max(100).default(2),
    /** held-out evaluation every E epochs (and before the first and after the last) */
    evalEveryEpochs: z.number().int().min(1).max(1000).default(2),
    /** held-out tasks evaluated (test split); null = all */
    evalLimit: z.number().int().min(1).max(100_000).nullable().default(null),
    /** a step in which more than this fraction of rollouts fail for infrastructure reasons pauses the run */
    pauseOnInfraFraction: z.number().min(0).max(1).default(0.5),
    reviewPolicy: z.enum(["auto", "manual"]).default("auto"),
    policy: ZPolicyConfig.default({ kind: "simulated", learningRate: 0.5, optimizer: "adam", adamStepSize: 0.3, clip: 0.2, klCoef: 0, updateEpochs: 2 }),
    synthesizer: ZSynthesizerConfig.default({ kind: "procedural" }),
    /** who trains: "builtin" (the simulated learner's update in the worker) or "external" (a trainer over /api/v1) */
    trainer: z.enum(["builtin", "external"]).default("builtin"),
    /** external trainer: steps RODS may roll out beyond the last acknowledged one (0 = strictly on-policy) */
    maxPolicyLag: z.number().int().min(0).max(16).default(0),
    /** who rolls out: RODS with `policy` ("rods"), or an outside trainer that claims steps over /api/v1 ("trainer") */
    rollouts: z.enum(["rods", "trainer"]).default("rods"),
  })
  .superRefine((c, ctx) => {
    if (c.alphaMinus > c.alphaPlus) ctx.addIssue({ code: "custom", path: ["alphaMinus"], message: "α− must not exceed α+" });
    if (c.driftLow > c.driftHigh) ctx.addIssue({ code: "custom", path: ["driftLow"], message: "the low drift threshold must not exceed the high one" });
    // A trainer-driven run's trainer rolls out and trains on the rewards it gets back; batches and acks belong to runs RODS rolls out.
    if (c.rollouts === "trainer" && c.trainer === "external") {
      ctx.addIssue({ code: "custom", path: ["trainer"], message: 'a trainer-driven run (rollouts "trainer") is trained by the trainer that claims its work; set trainer to "builtin" (RODS trains nothing then) or rollouts to "rods" to get batches and acks' });
    }
  });

/** Only `{…}` literals: a Date, Set, Map or class instance would pass z.object as an empty object and start a default run. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** ZRunConfig for input from outside (tRPC, REST): the settings must be a plain JSON object. */
export const ZRunConfigInput = z
  .custom<Record<string, unknown>>(isPlainObject, { message: 'send the run settings as a JSON object, e.g. {"mode": "rods", "epochs": 8}' })
  .pipe(ZRunConfig);

export type TRunConfig = z.infer<typeof ZRunConfig>;
export type TPolicyConfig = z.infer<typeof ZPolicyConfig>;
export type TSynthesizerConfig = z.infer<typeof ZSynthesizerConfig>;

/** What a mode switches on: the ablations and baselines of DESIGN.md §1 as flags the loop reads. */
export function modeFlags(mode: RunMode) {
  return {
    synthesizes: mode !== "static",
    /** random seeds instead of the boundary set */
    isRandomSeeds: mode === "random_seeds",
    /** rewards are binary success instead of progress */
    isBinaryReward: mode === "binary_reward",
    /** no_refresh retires nothing either: after its one round the pool is frozen */
    retires: mode !== "static" && mode !== "no_retirement" && mode !== "no_refresh",
    /** synthesis runs only in the first epoch and its tasks enter at the first epoch boundary; then the pool is frozen */
    isSingleRound: mode === "no_refresh",
    /** synthesized tasks keep the plan stage's user text: the rewrite stage is skipped */
    skipsRewrite: mode === "no_rewrite",
  };
}

/** What each mode does, in the words the UI and the docs show. */
export const MODE_TEXTS: Readonly<Record<RunMode, string>> = {
  rods: "RODS: boundary seeds are synthesized from every step; new tasks enter at epoch boundaries (at most β of the pool, P_max synthesized at most); burn-in, drift and P_max retire tasks",
  static: "baseline: trains on the seed tasks only; nothing is synthesized, injected or retired",
  random_seeds: "ablation: as RODS, but seeds are drawn at random from all tasks of the step instead of the boundary band",
  binary_reward: "ablation: as RODS, but the training reward and the regions use binary success (0 or 1) instead of the progress reward",
  no_retirement: "ablation: as RODS (synthesis and injection), but no task is ever retired (no burn-in, drift or P_max pruning)",
  no_refresh: "ablation: synthesizes only during the first epoch, injects once at its end (once that round has finished), then trains on a frozen pool: no later injection, no retirement",
  no_rewrite: "ablation: as RODS, but synthesized tasks keep the plan stage's per-turn user text; the rewrite stage (one coherent conversation) is skipped",
};

/** The budget a run stops at, if any: steps done and rollouts consumed so far against the configured limits. */
export function isBudgetReached(config: Pick<TRunConfig, "budgetSteps" | "budgetRollouts">, used: { steps: number; rollouts: number }): boolean {
  if (config.budgetSteps != null && used.steps >= config.budgetSteps) return true;
  if (config.budgetRollouts != null && used.rollouts >= config.budgetRollouts) return true;
  return false;
}
