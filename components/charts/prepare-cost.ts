// What synthesis costs beside the training rollouts, as text for the monitor's table, the /compare column and the
// study table. Input: runs.costs (the share rule itself is server/rods/cost-share.ts).
import type { CostMetric, CostShare } from "@/server/rods/cost-share";
import { formatDuration } from "./format";

export type CostInput = Pick<CostShare, "synthesizes" | "basis" | "share" | "isEstimated" | "basisText" | "metrics" | "attempts" | "rolloutCount">;

export interface CostRow {
  metric: CostMetric;
  label: string;
  synthesis: string;
  rollouts: string;
  share: string;
  note: string | null;
  isHeadline: boolean;
}

const LABELS: Readonly<Record<CostMetric, string>> = { tokens: "Model tokens", wall: "Job wall time", cpu: "Worker CPU" };
/** the headline metric in a phrase: "12.5 % of worker CPU" */
const OF: Readonly<Record<CostMetric, string>> = { tokens: "of model tokens", wall: "of job wall time", cpu: "of worker CPU" };

/** A share in %: tiny ones are not rounded to a misleading 0, and a missing one is a dash. */
export function formatCostShare(share: number | null | undefined): string {
  if (typeof share !== "number" || !Number.isFinite(share)) return "—";
  if (share === 0) return "0 %";
  if (share < 0.001) return "< 0.1 %";
  if (share > 0.999 && share < 1) return "> 99.9 %";
  return `${(share * 100).toFixed(1)} %`;
}

/** Seconds to read at a glance: "0.42 s", "12.3 s", "4 min 05 s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds === 0) return "0 s";
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return formatDuration(seconds);
}

function formatValue(metric: CostMetric, value: number): string {
  return metric === "tokens" ? Math.round(value).toLocaleString("en-US") : formatSeconds(value);
}

/** The per-metric table and the headline sentence. */
export function prepareCost(cost: CostInput): { rows: CostRow[]; headline: string; share: string; isStatic: boolean } {
  const order: CostMetric[] = ["tokens", "wall", "cpu"];
  const rows = order.map((metric): CostRow => {
    const m = cost.metrics[metric];
    return {
      metric,
      label: LABELS[metric],
      synthesis: formatValue(metric, m.synthesis),
      rollouts: `${formatValue(metric, m.rollouts)}${m.isEstimated ? " (estimated)" : ""}`,
      share: formatCostShare(m.share),
      note: m.note,
      isHeadline: metric === cost.basis,
    };
  });
  const isStatic = !cost.synthesizes;
  const share = formatCostShare(cost.share);
  const headline = isStatic
    ? "0 %: this mode does not synthesize"
    : cost.share === null
      ? `not known yet: ${cost.metrics[cost.basis].note ?? "nothing measured"}`
      : `${share} ${OF[cost.basis]}${cost.isEstimated ? " (estimated)" : ""}`;
  return { rows, headline, share, isStatic };
}

/** The short cell of a summary table ("12.5 % of worker CPU"), with the long text for a tooltip. */
export function costShareCell(cost: CostInput | undefined): { text: string; title: string } {
  if (!cost) return { text: "—", title: "" };
  const { headline } = prepareCost(cost);
  return { text: headline, title: `${cost.basisText}; ${cost.attempts} synthesis attempts, ${cost.rolloutCount} rollouts` };
}
