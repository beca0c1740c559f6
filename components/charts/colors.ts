// Every chart colour, assigned once per series identity: a region, a metric, a run or a retirement reason keeps its
// colour on every chart and page. Region chips and task pages use the same values. A colour is a CSS variable with
// its light value as fallback; app/globals.css gives each a lighter value for dark mode (prefers-color-scheme), so
// the SVG the charts draw stays readable on a dark card.

/** The light values of the chart hues; --chart-<hue> overrides them in dark mode. */
export const CHART_HUES = {
  red: "#b42318",
  amber: "#d97706",
  green: "#0f9d58",
  blue: "#2457c5",
  violet: "#7c3aed",
  cyan: "#0891b2",
  olive: "#4d7c0f",
  pink: "#be185d",
  orange: "#f79009",
  grey: "#667085",
  slate: "#344054",
  ink: "#101828",
} as const;
export type ChartHue = keyof typeof CHART_HUES;

/** A hue as CSS: follows the colour scheme wherever it is used (SVG attributes, inline styles). */
export const hue = (name: ChartHue) => `var(--chart-${name}, ${CHART_HUES[name]})`;

/** Axes, grid, tooltips and markers: colours of the chart's frame, also following the colour scheme. */
export const FRAME_COLORS = {
  axis: "var(--muted)",
  grid: "var(--chart-grid)",
  cursor: "var(--chart-cursor)",
  marker: hue("grey"),
  label: "var(--fg)",
} as const;

export const REGIONS = ["hard", "boundary", "mastered"] as const;
export type RegionName = (typeof REGIONS)[number];

export const REGION_COLORS: Readonly<Record<RegionName, string>> = { hard: hue("red"), boundary: hue("amber"), mastered: hue("green") };

export const REGION_LABELS: Readonly<Record<RegionName, string>> = { hard: "hard", boundary: "boundary", mastered: "mastered" };

/** Seeds and synthesized tasks of a region share its colour; synthesized ones are drawn dashed or as triangles. */
export const ORIGIN_DASH = { seed: undefined, synthesized: "5 3" } as const;

export const METRIC_COLORS = {
  informativeFraction: hue("blue"),
  meanPhi: hue("violet"),
  gradConcentration: hue("cyan"),
  meanReward: hue("olive"),
  heldOutOverall: hue("ink"),
  infraFailures: hue("red"),
  tokensIn: hue("blue"),
  tokensOut: hue("amber"),
  injected: hue("blue"),
  betaCap: hue("ink"),
  synthesizedActive: hue("violet"),
  pMax: hue("ink"),
  funnel: hue("blue"),
  errors: hue("red"),
  landing: hue("violet"),
  bound: hue("grey"),
  threshold: hue("slate"),
} as const;

export const RETIRE_REASONS = ["burn_in", "mastered", "unsolvable", "pruned"] as const;
export type RetireReasonName = (typeof RETIRE_REASONS)[number];

// mastered and unsolvable reuse the colours of the regions they leave from (mastered, hard).
export const RETIRE_COLORS: Readonly<Record<RetireReasonName, string>> = {
  burn_in: hue("orange"),
  mastered: REGION_COLORS.mastered,
  unsolvable: REGION_COLORS.hard,
  pruned: hue("grey"),
};

export const RETIRE_LABELS: Readonly<Record<RetireReasonName, string>> = {
  burn_in: "burn-in",
  mastered: "mastered (drift high)",
  unsolvable: "unsolvable (drift low)",
  pruned: "pruned (over P_max)",
};

/** Runs are coloured by their position in a comparison; the same list as the task-history chart. */
export const RUN_COLORS = [hue("blue"), hue("amber"), hue("green"), hue("red"), hue("violet"), hue("cyan"), hue("pink"), hue("olive")] as const;

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
  base: hue("blue"),
  miss_func: hue("amber"),
  miss_param: hue("green"),
  long_context: hue("pink"),
};
const CATEGORY_FALLBACK = [hue("cyan"), hue("violet"), hue("olive"), hue("red")] as const;

export function categoryColor(category: string): string {
  const known = CATEGORY_COLORS[category];
  if (known) return known;
  let hash = 0;
  for (const ch of category) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return CATEGORY_FALLBACK[hash % CATEGORY_FALLBACK.length]!;
}
