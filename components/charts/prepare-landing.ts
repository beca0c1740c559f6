// Where injected tasks landed: the histogram of their first r̄, each bar in the colour of its region, against the
// boundary band [α−, α+] and the burn-in threshold. Input: runs.landing.
import { METRIC_COLORS, REGION_COLORS } from "./colors";
import type { InjectionLanding } from "@/server/services/monitor/injection-landing";
import { mergeLines, prepareHistogram, type HistogramData, type ThresholdLine } from "./prepare-distribution";

export type LandingInput = InjectionLanding;

export interface LandingData {
  histogram: HistogramData;
  band: { x1: number; x2: number; color: string };
  burnIn: number;
  /** α−, α+ and the burn-in threshold (merged where equal) */
  lines: ThresholdLine[];
  observed: number;
  /** share of the observed injected tasks that landed inside the band; null when none is observed yet */
  inBandShare: number | null;
  summary: string;
  isEmpty: boolean;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

export function prepareLanding(input: LandingInput): LandingData {
  const histogram = prepareHistogram(input.histogram, { regions: input.thresholds });
  const observed = input.injected - input.unobserved;
  const inBandShare = observed > 0 ? input.boundary / observed : null;
  const summary =
    input.injected === 0
      ? "No synthesized task has entered the pool yet."
      : `${input.injected} injected, ${observed} observed: ${input.boundary} in the boundary band` +
        (inBandShare === null ? "" : ` (${pct(inBandShare)})`) +
        `, ${input.hard} hard, ${input.mastered} mastered; ${input.belowBurnIn} below the burn-in threshold` +
        (input.unobserved ? `; ${input.unobserved} not rolled out yet` : "");
  return {
    histogram,
    band: { x1: input.thresholds.alphaMinus, x2: input.thresholds.alphaPlus, color: REGION_COLORS.boundary },
    burnIn: input.thresholds.burnInThreshold,
    lines: mergeLines([
      { x: input.thresholds.alphaMinus, label: "α−", color: REGION_COLORS.hard, dash: "" },
      { x: input.thresholds.alphaPlus, label: "α+", color: REGION_COLORS.mastered, dash: "" },
      { x: input.thresholds.burnInThreshold, label: "burn-in", color: METRIC_COLORS.threshold, dash: "4 3" },
    ]),
    observed,
    inBandShare,
    summary,
    isEmpty: histogram.isEmpty,
  };
}
