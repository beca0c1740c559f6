// A run's settings as the monitor's header and /compare's "settings that differ" table show them.
import type { TRunConfig } from "../../rods/config";

const SETTING_LABELS: Readonly<Record<string, string>> = {
  mode: "mode",
  datasetName: "dataset",
  seed: "random seed",
  epochs: "epochs",
  k: "K (rollouts per task)",
  batchSize: "tasks per step",
  limitSeeds: "seed limit",
  alphaMinus: "α− (hard below)",
  alphaPlus: "α+ (mastered above)",
  seedQuotaPerCategory: "seeds per category per step",
  cooldownSteps: "seed cooldown (steps)",
  maxPatches: "K_max (config patches)",
  pMax: "P_max (synthesized in pool)",
  beta: "β (injection per epoch)",
  burnInThreshold: "burn-in threshold",
  driftHigh: "drift high (retire mastered)",
  driftLow: "drift low (retire unsolvable)",
  driftWindow: "drift window (observations)",
  evalEveryEpochs: "held-out every (epochs)",
  evalLimit: "held-out tasks",
  pauseOnInfraFraction: "pause above infra-failure share",
  reviewPolicy: "review",
  "policy.kind": "policy",
  "policy.learningRate": "policy learning rate",
  "policy.clip": "policy clip",
  "policy.klCoef": "policy KL coefficient",
  "policy.updateEpochs": "policy update passes",
  "policy.baseUrl": "policy endpoint",
  "policy.model": "policy model",
  "policy.temperature": "policy temperature",
  "policy.topP": "policy top-p",
  "policy.maxTokens": "policy max tokens",
  "policy.maxStepsPerTurn": "policy steps per turn",
  "policy.concurrency": "policy concurrency",
  "policy.timeoutMs": "policy timeout (ms)",
  "policy.maxRetries": "policy retries",
  "policy.apiKeyEnv": "policy API key variable",
  "synthesizer.kind": "synthesizer",
  "synthesizer.baseUrl": "synthesizer endpoint",
  "synthesizer.model": "synthesizer model",
  "synthesizer.temperature": "synthesizer temperature",
  "synthesizer.concurrency": "synthesizer concurrency",
  "synthesizer.timeoutMs": "synthesizer timeout (ms)",
  "synthesizer.maxRetries": "synthesizer retries",
  "synthesizer.apiKeyEnv": "synthesizer API key variable",
};

/** The settings shown in a run's header, in this order (the rest stay in the full table). */
const SUMMARY_KEYS = [
  "mode",
  "datasetName",
  "epochs",
  "k",
  "batchSize",
  "alphaMinus",
  "alphaPlus",
  "beta",
  "pMax",
  "burnInThreshold",
  "driftLow",
  "driftHigh",
  "driftWindow",
  "seedQuotaPerCategory",
  "evalEveryEpochs",
  "reviewPolicy",
  "policy.kind",
  "policy.model",
  "synthesizer.kind",
  "synthesizer.model",
  "seed",
] as const;

const SUMMARY_RANK = new Map<string, number>(SUMMARY_KEYS.map((k, i) => [k, i]));

function formatSetting(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** A run's settings as flat "path → text" pairs (policy.* and synthesizer.* nested one level). */
export function flattenSettings(config: TRunConfig): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else out.set(prefix, formatSetting(value));
  };
  walk("", config);
  return out;
}

export function settingLabel(key: string): string {
  return SETTING_LABELS[key] ?? key;
}

export interface SettingRow {
  key: string;
  label: string;
  value: string;
}

export function summarizeSettings(config: TRunConfig): SettingRow[] {
  const flat = flattenSettings(config);
  return SUMMARY_KEYS.filter((k) => flat.has(k)).map((key) => ({ key, label: settingLabel(key), value: flat.get(key)! }));
}

export interface SettingDiffRow {
  key: string;
  label: string;
  /** one per run, in the order given; "—" where a run has no such setting */
  values: string[];
}

/** The settings whose values are not the same in every run, in the summary order, then alphabetically. */
export function diffRunSettings(configs: readonly TRunConfig[]): SettingDiffRow[] {
  const flats = configs.map(flattenSettings);
  const keys = [...new Set(flats.flatMap((f) => [...f.keys()]))];
  const rank = (k: string) => SUMMARY_RANK.get(k) ?? SUMMARY_KEYS.length;
  // Setting paths are ASCII: code-unit order, not localeCompare (ICU collation made this the slow part of /compare).
  keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return keys
    .map((key) => ({ key, label: settingLabel(key), values: flats.map((f) => f.get(key) ?? "—") }))
    .filter((row) => new Set(row.values).size > 1);
}
