// The form's view of the run settings (server/rods/config.ts ZRunConfig): a label and a line of help per setting,
// how to edit it, and the presets. Defaults and validation come from the server, so nothing here can drift from
// the schema except wording.

export type FieldKind = "integer" | "number" | "text" | "select";

export interface FieldDef {
  /** dotted path in the run config, e.g. "policy.learningRate" */
  path: string;
  label: string;
  help: string;
  kind: FieldKind;
  options?: { value: string; label: string }[];
  /** the options come from the server: the endpoint key variables an admin allows (experiments.defaults) */
  isKeyEnvPicker?: boolean;
  /** the options come from the server: the imported datasets (experiments.datasets) */
  isDatasetPicker?: boolean;
  /** the setting may be null; an empty input means null, shown with this word */
  nullLabel?: string;
  step?: number;
  placeholder?: string;
}

export interface FieldGroup {
  title: string;
  /** only shown when the kind at this path has this value */
  when?: { path: string; value: string };
  fields: FieldDef[];
}

const endpointFields = (prefix: "policy" | "synthesizer"): FieldDef[] => [
  { path: `${prefix}.baseUrl`, label: "Base URL", help: "OpenAI-compatible server, e.g. http://localhost:8000/v1 (vLLM, SGLang, Ollama, a hosted API).", kind: "text", placeholder: "http://localhost:8000/v1" },
  { path: `${prefix}.model`, label: "Model", help: "Model id as the server lists it (Test connection shows the list).", kind: "text" },
  {
    path: `${prefix}.apiKeyEnv`,
    label: "API key variable",
    help: "The worker's environment variable holding the key, picked from those an admin lists in RODS_ENDPOINT_KEY_ENVS (never the key itself); none for local servers.",
    kind: "select",
    isKeyEnvPicker: true,
    nullLabel: "none",
  },
  { path: `${prefix}.timeoutMs`, label: "Timeout (ms)", help: "Per request attempt, including reading the answer.", kind: "integer", step: 1000 },
  { path: `${prefix}.maxRetries`, label: "Retries", help: "Retries of rate limits, 5xx and timeouts, with backoff.", kind: "integer" },
  { path: `${prefix}.concurrency`, label: "Concurrent requests", help: "Requests in flight at once from one worker.", kind: "integer" },
];

export const FIELD_GROUPS: FieldGroup[] = [
  {
    title: "Run",
    fields: [
      { path: "mode", label: "Mode", help: "RODS, the static baseline, or an ablation.", kind: "select", options: [] }, // options: the server's mode texts
      { path: "datasetName", label: "Dataset", help: "The imported dataset whose train split gives the seeds and test split the held-out set (import more with npm run rods -- import).", kind: "select", isDatasetPicker: true },
      { path: "seed", label: "Random seed", help: "Seeds every random choice (shuffles, rollouts, synthesis): same seed, same run.", kind: "integer" },
      { path: "reviewPolicy", label: "Review", help: "manual: synthesized tasks wait in /review for approval before they can enter the pool.", kind: "select", options: [{ value: "auto", label: "auto · no human review" }, { value: "manual", label: "manual · approve in /review" }] },
    ],
  },
  {
    title: "Schedule",
    fields: [
      { path: "epochs", label: "Epochs", help: "Passes over the active pool (an upper bound when a budget is set).", kind: "integer" },
      { path: "budgetSteps", label: "Budget (steps)", help: "End the run after this many policy updates, whatever the epoch: gives every mode the same number of updates. Empty = epochs only.", kind: "integer", nullLabel: "none" },
      { path: "budgetRollouts", label: "Budget (rollouts)", help: "Start no step once this many rollouts were consumed. Empty = no rollout budget.", kind: "integer", nullLabel: "none" },
      { path: "k", label: "K (rollouts per task)", help: "GRPO group size: rollouts of each task at each step (paper: 16).", kind: "integer" },
      { path: "batchSize", label: "Batch size", help: "Tasks per step.", kind: "integer" },
      { path: "limitSeeds", label: "Seeds", help: "Use only the first N train seeds, spread over categories; empty = all (paper: all 400).", kind: "integer", nullLabel: "all" },
      { path: "evalEveryEpochs", label: "Evaluate every (epochs)", help: "Held-out evaluation every E epochs, and before the first and after the last.", kind: "integer" },
      { path: "evalLimit", label: "Held-out tasks", help: "Held-out (test split) tasks evaluated; empty = all.", kind: "integer", nullLabel: "all" },
    ],
  },
  {
    title: "Boundary and seed selection",
    fields: [
      { path: "alphaMinus", label: "α− (hard below)", help: "Tasks with r̄ below α− are hard (paper: 0.20).", kind: "number", step: 0.05 },
      { path: "alphaPlus", label: "α+ (mastered above)", help: "Tasks with r̄ above α+ are mastered (paper: 0.85); between is the boundary.", kind: "number", step: 0.05 },
      { path: "seedQuotaPerCategory", label: "Seeds per category per step", help: "Boundary seeds picked per skill family per step, highest φ first.", kind: "integer" },
      { path: "cooldownSteps", label: "Seed cooldown (steps)", help: "A task used as a seed is not picked again for this many steps.", kind: "integer" },
    ],
  },
  {
    title: "Synthesis and replay buffer",
    fields: [
      { path: "maxPatches", label: "K_max (config patches)", help: "Patches of the initial config tried when a synthesized call fails for a patchable reason.", kind: "integer" },
      { path: "pMax", label: "P_max", help: "Synthesized tasks kept in the active pool at most (paper: 400); over it, the lowest φ is pruned.", kind: "integer" },
      { path: "beta", label: "β (injection cap)", help: "New tasks entering per epoch, as a fraction of the active pool (paper: 0.2).", kind: "number", step: 0.05 },
    ],
  },
  {
    title: "Retirement",
    fields: [
      { path: "burnInThreshold", label: "Burn-in threshold", help: "A new task whose first r̄ is below this is retired at once.", kind: "number", step: 0.05 },
      { path: "driftHigh", label: "Drift high", help: "Retire as mastered when the windowed r̄ is above this.", kind: "number", step: 0.05 },
      { path: "driftLow", label: "Drift low", help: "Retire as unsolvable when the windowed r̄ is below this.", kind: "number", step: 0.05 },
      { path: "driftWindow", label: "Drift window", help: "Observations of a task the drift rule averages over.", kind: "integer" },
      { path: "pauseOnInfraFraction", label: "Pause on infrastructure failures", help: "Pause the run when more than this fraction of a step's rollouts fail for infrastructure reasons.", kind: "number", step: 0.05 },
    ],
  },
  {
    title: "Trainer",
    fields: [
      {
        path: "rollouts",
        label: "Rollouts by",
        help: "rods: the worker rolls out with the policy below. trainer: your trainer claims each step's tasks over /api/v1 (POST /api/v1/runs/{id}/batches/claim), rolls them out through RODS's environments and trains itself; the policy below is then unused.",
        kind: "select",
        options: [
          { value: "rods", label: "rods · RODS rolls out" },
          { value: "trainer", label: "trainer · your trainer claims the work" },
        ],
      },
      {
        path: "trainer",
        label: "Gradient step",
        help: "builtin: the simulated learner updates in the worker (nothing for an OpenAI-compatible policy or a trainer-driven run). external: each scored step is published as a batch (GET /api/v1/runs/{id}/batches/next) and your trainer acknowledges it with the new policy version.",
        kind: "select",
        options: [
          { value: "builtin", label: "builtin · in the worker" },
          { value: "external", label: "external · your trainer acks batches" },
        ],
      },
      { path: "maxPolicyLag", label: "Max policy lag (steps)", help: "External trainer: steps RODS may roll out beyond the last acknowledged one (0 = strictly on-policy).", kind: "integer" },
    ],
  },
  {
    title: "Simulated learner",
    when: { path: "policy.kind", value: "simulated" },
    fields: [
      { path: "policy.learningRate", label: "Learning rate", help: "Step size of the GRPO update on the learner's logits.", kind: "number", step: 0.05 },
      { path: "policy.clip", label: "Clip", help: "PPO-style clipping of the ratio against the behaviour policy.", kind: "number", step: 0.05 },
      { path: "policy.klCoef", label: "KL coefficient", help: "Penalty towards the initial parameters; 0 = none.", kind: "number", step: 0.01 },
      { path: "policy.updateEpochs", label: "Update epochs", help: "Passes over each step's groups in the update.", kind: "integer" },
    ],
  },
  {
    title: "OpenAI-compatible policy",
    when: { path: "policy.kind", value: "openai" },
    fields: [
      ...endpointFields("policy"),
      { path: "policy.temperature", label: "Temperature", help: "Sampling temperature of rollouts.", kind: "number", step: 0.1 },
      { path: "policy.topP", label: "Top-p", help: "Nucleus sampling.", kind: "number", step: 0.05 },
      { path: "policy.maxTokens", label: "Max tokens", help: "Per model answer.", kind: "integer" },
      { path: "policy.maxStepsPerTurn", label: "Steps per turn", help: "Model steps allowed per user turn (BFCL: 20).", kind: "integer" },
    ],
  },
  {
    title: "LLM synthesizer",
    when: { path: "synthesizer.kind", value: "llm" },
    fields: [...endpointFields("synthesizer"), { path: "synthesizer.temperature", label: "Temperature", help: "Sampling temperature of the synthesis prompts.", kind: "number", step: 0.1 }],
  },
];

export const ALL_FIELDS: FieldDef[] = FIELD_GROUPS.flatMap((g) => g.fields);

export interface Preset {
  id: string;
  label: string;
  description: string;
  /** applied over the defaults; paths as in FieldDef */
  values: Record<string, string | number | null>;
}

export const PRESETS: Preset[] = [
  {
    id: "paper",
    label: "Paper defaults",
    description: "K = 16, all 400 seeds, α− = 0.2, α+ = 0.85, β = 0.2, P_max = 400: the settings of the RODS paper.",
    values: { k: 16, limitSeeds: null, alphaMinus: 0.2, alphaPlus: 0.85, beta: 0.2, pMax: 400 },
  },
  {
    id: "quick",
    label: "Quick demo",
    description: "3 epochs, K = 8, 40 seeds, 40 held-out tasks: a run that finishes in minutes on a laptop.",
    values: { epochs: 3, k: 8, limitSeeds: 40, batchSize: 20, evalLimit: 40, evalEveryEpochs: 1, seedQuotaPerCategory: 2, cooldownSteps: 1 },
  },
];
