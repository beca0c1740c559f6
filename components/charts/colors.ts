// Every chart colour, assigned once per series identity: a region, a metric, a run or a retirement reason keeps its
// colour on every chart and page. Region chips and task pages use the same values.

export const REGIONS = ["hard", "boundary", "mastered"] as const;
export type RegionName = (typeof REGIONS)[number];

export const REGION_COLORS: Readonly<Record<RegionName, string>> = { hard: "#b42318", boundary: "#d97706", mastered: "#0f9d58" };

export const REGION_LABELS: Readonly<Record<RegionName, string>> = { hard: "hard", boundary: "boundary", mastered: "mastered" };

/** Seeds and synthesized tasks of a region share its colour; synthesized ones are drawn dashed or as triangles. */
export const ORIGIN_DASH = { seed: undefined, synthesized: "5 3" } as const;

export const METRIC_COLORS = {
  informativeFraction: "#2457c5",
  meanPhi: "#7c3aed",
  gradConcentration: "#0891b2",
  meanReward: "#4d7c0f",
  heldOutOverall: "#101828",
  infraFailures: "#b42318",
  tokensIn: "#2457c5",
  tokensOut: "#d97706",
  injected: "#2457c5",
  betaCap: "#101828",
  synthesizedActive: "#7c3aed",
  pMax: "#101828",
  funnel: "#2457c5",
  errors: "#b42318",
  landing: "#7c3aed",
  bound: "#667085",
  threshold: "#344054",
} as const;

export const RETIRE_REASONS = ["burn_in", "mastered", "unsolvable", "pruned"] as const;
export type RetireReasonName = (typeof RETIRE_REASONS)[number];

// mastered and unsolvable reuse the colours of the regions they leave from (mastered, hard).
export const RETIRE_COLORS: Readonly<Record<RetireReasonName, string>> = {
  burn_in: "#f79009",
  mastered: REGION_COLORS.mastered,
  unsolvable: REGION_COLORS.hard,
  pruned: "#667085",
};

export const RETIRE_LABELS: Readonly<Record<RetireReasonName, string>> = {
  burn_in: "burn-in",
  mastered: "mastered (drift high)",
  unsolvable: "unsolvable (drift low)",
  pruned: "pruned (over P_max)",
};

/** Runs are coloured by their position in a comparison; the same list as the task-history chart. */
export const RUN_COLORS = ["#2457c5", "#d97706", "#0f9d58", "#b42318", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f"] as const;

/** A second cue besides colour, so overlaid runs stay apart on region charts (whose colour is the region's). */
export const RUN_DASHES = [undefined, "6 3", "2 3", "10 3 2 3", "1 4", "12 4"] as const;

export function runColor(position: number): string {
  return RUN_COLORS[((position % RUN_COLORS.length) + RUN_COLORS.length) % RUN_COLORS.length]!;
}

export function runDash(position: number): string | undefined {
  return RUN_DASHES[((position % RUN_DASHES.length) + RUN_DASHES.length) % RUN_DASHES.length];
}

/** Held-out categories: a fixed colour per BFCL category, a fallback cycle for any other. */
const CATEGORY_COLORS: Readonly<Record<string, string>> = {
  base: "#2457c5",
  miss_func: "#d97706",
  miss_param: "#0f9d58",
  long_context: "#be185d",
};
const CATEGORY_FALLBACK = ["#0891b2", "#7c3aed", "#4d7c0f", "#b42318"] as const;

export function categoryColor(category: string): string {
  const known = CATEGORY_COLORS[category];
  if (known) return known;
  let hash = 0;
  for (const ch of category) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return CATEGORY_FALLBACK[hash % CATEGORY_FALLBACK.length]!;
}
