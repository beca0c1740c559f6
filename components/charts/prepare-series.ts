// Per-step series of one run: the training signal (informative fraction, mean φ, gradient concentration), region
// occupancy (seeds and synthesized apart), infrastructure failures and tokens. Input: runs.series rows.
import { METRIC_COLORS, REGION_COLORS, REGIONS, type RegionName } from "./colors";
import { areTokensEstimated, SIMULATED_TOKENS_ESTIMATE } from "@/server/rods/token-estimate";
import type { StepSeriesRow } from "@/server/services/monitor/step-series";
import { hasAnyValue, rowsByStep, type LineChartData, type SeriesSpec } from "./prepare-common";

/** The fields of a runs.series row the charts draw. */
export type StepSeriesInput = Pick<
  StepSeriesRow,
  | "step"
  | "informativeFraction"
  | "meanPhi"
  | "gradConcentration"
  | "seedHard"
  | "seedBoundary"
  | "seedMastered"
  | "synthesizedHard"
  | "synthesizedBoundary"
  | "synthesizedMastered"
  | "infraFailures"
  | "numRollouts"
  | "tokensIn"
  | "tokensOut"
>;

const SIGNALS: SeriesSpec[] = [
  { key: "informativeFraction", label: "informative fraction", color: METRIC_COLORS.informativeFraction },
  { key: "meanPhi", label: "mean φ", color: METRIC_COLORS.meanPhi },
  { key: "gradConcentration", label: "gradient concentration (top 10 %)", color: METRIC_COLORS.gradConcentration },
];

export function prepareTrainingSignals(steps: readonly StepSeriesInput[]): LineChartData {
  const keys = SIGNALS.map((s) => s.key);
  const rows = rowsByStep(
    steps.map((s) => ({ step: s.step, values: { informativeFraction: s.informativeFraction, meanPhi: s.meanPhi, gradConcentration: s.gradConcentration } })),
    keys,
  );
  return { rows, series: SIGNALS, isEmpty: !hasAnyValue(rows, keys) };
}

export type TaskOrigin = "seed" | "synthesized";

const capitalised = (r: RegionName) => (r.charAt(0).toUpperCase() + r.slice(1)) as Capitalize<RegionName>;

/** Tasks per region at each step, for seeds or synthesized tasks; stacked hard → boundary → mastered. */
export function prepareRegionOccupancy(steps: readonly StepSeriesInput[], origin: TaskOrigin): LineChartData {
  const keys = [...REGIONS];
  const rows = rowsByStep(
    steps.map((s) => ({
      step: s.step,
      values: Object.fromEntries(REGIONS.map((r) => [r, s[`${origin}${capitalised(r)}` as keyof StepSeriesInput]])),
    })),
    keys,
  );
  const series = REGIONS.map((r) => ({ key: r, label: r, color: REGION_COLORS[r] }));
  // All-zero counts are data (no synthesized task yet), but a chart of zeros says nothing: shown as empty.
  const isEmpty = !rows.some((row) => keys.some((k) => (row[k] ?? 0) > 0));
  return { rows, series, isEmpty };
}

export function prepareInfraFailures(steps: readonly StepSeriesInput[]): LineChartData & { total: number } {
  const rows = rowsByStep(steps.map((s) => ({ step: s.step, values: { infraFailures: s.infraFailures } })), ["infraFailures"]);
  return {
    rows,
    series: [{ key: "infraFailures", label: "infrastructure failures", color: METRIC_COLORS.infraFailures }],
    isEmpty: rows.length === 0,
    total: steps.reduce((n, s) => n + (Number.isFinite(s.infraFailures) ? s.infraFailures : 0), 0),
  };
}

/**
 * Prompt and completion tokens per step. An OpenAI-compatible policy reports them (usage); the simulated learner's
 * are estimates, and the chart says so.
 */
export function prepareTokens(steps: readonly StepSeriesInput[], { policyKind }: { policyKind: string }): LineChartData {
  const keys = ["tokensIn", "tokensOut"];
  const rows = rowsByStep(steps.map((s) => ({ step: s.step, values: { tokensIn: s.tokensIn, tokensOut: s.tokensOut } })), keys);
  const isEstimate = areTokensEstimated(policyKind);
  const suffix = isEstimate ? " (estimated)" : "";
  return {
    rows,
    series: [
      { key: "tokensIn", label: `prompt tokens${suffix}`, color: METRIC_COLORS.tokensIn },
      { key: "tokensOut", label: `completion tokens${suffix}`, color: METRIC_COLORS.tokensOut },
    ],
    isEmpty: !rows.some((r) => (r.tokensIn ?? 0) > 0 || (r.tokensOut ?? 0) > 0),
    estimate: isEstimate ? SIMULATED_TOKENS_ESTIMATE : null,
  };
}

/** The steps the slider can stop at: finished steps, ascending, each once. */
export function sliderSteps(steps: readonly { step: number }[]): number[] {
  return [...new Set(steps.map((s) => s.step).filter((s) => Number.isInteger(s)))].sort((a, b) => a - b);
}
