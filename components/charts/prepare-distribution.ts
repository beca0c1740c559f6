// The per-task distribution at one step: histograms of r̄ and of reward variance (bins come counted from SQL), the
// α−/α+ and drift-retirement lines, and the (r̄, variance) scatter under the bound r̄(1 − r̄), coloured by region.
import { METRIC_COLORS, REGION_COLORS, REGIONS, type RegionName } from "./colors";

export interface HistogramInput {
  min: number;
  max: number;
  counts: readonly number[];
}

export interface HistogramBin {
  x0: number;
  x1: number;
  mid: number;
  count: number;
  label: string;
  /** a colour per bar (the region of its midpoint) when thresholds are given */
  color: string;
}

export interface HistogramData {
  bins: HistogramBin[];
  total: number;
  binWidth: number;
  domain: [number, number];
  isEmpty: boolean;
}

export interface RegionThresholds {
  alphaMinus: number;
  alphaPlus: number;
}

export function regionOfMean(mean: number, { alphaMinus, alphaPlus }: RegionThresholds): RegionName {
  if (mean < alphaMinus) return "hard";
  if (mean > alphaPlus) return "mastered";
  return "boundary";
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export function prepareHistogram(input: HistogramInput, options: { regions?: RegionThresholds; digits?: number } = {}): HistogramData {
  const n = input.counts.length;
  const width = n > 0 ? (input.max - input.min) / n : 0;
  const digits = options.digits ?? 2;
  const bins = input.counts.map((raw, i) => {
    const x0 = round(input.min + i * width, 6);
    const x1 = round(input.min + (i + 1) * width, 6);
    const mid = round((x0 + x1) / 2, 6);
    const count = Number.isFinite(raw) && raw > 0 ? raw : 0;
    return {
      x0,
      x1,
      mid,
      count,
      label: `${x0.toFixed(digits)}–${x1.toFixed(digits)}`,
      color: options.regions ? REGION_COLORS[regionOfMean(mid, options.regions)] : METRIC_COLORS.informativeFraction,
    };
  });
  const total = bins.reduce((a, b) => a + b.count, 0);
  return { bins, total, binWidth: round(width, 6), domain: [input.min, input.max], isEmpty: total === 0 };
}

export interface ThresholdLine {
  x: number;
  label: string;
  color: string;
  dash: string;
}

export interface LineThresholds extends RegionThresholds {
  driftLow: number;
  driftHigh: number;
}

/**
 * Vertical lines at α−, α+ (region edges, solid) and the drift-retirement thresholds (dashed). Lines at the same
 * value are drawn once with both names (by default α− and the low drift threshold are both 0.20).
 */
export function prepareThresholdLines(t: LineThresholds): ThresholdLine[] {
  return mergeLines([
    { x: t.alphaMinus, label: "α−", color: REGION_COLORS.hard, dash: "" },
    { x: t.alphaPlus, label: "α+", color: REGION_COLORS.mastered, dash: "" },
    { x: t.driftLow, label: "retire low", color: METRIC_COLORS.threshold, dash: "4 3" },
    { x: t.driftHigh, label: "retire high", color: METRIC_COLORS.threshold, dash: "4 3" },
  ]);
}

/** Sorted by x; lines at the same x become one, named after all of them, each label ending in its value. */
export function mergeLines(raw: readonly ThresholdLine[]): ThresholdLine[] {
  const merged: ThresholdLine[] = [];
  for (const line of raw.filter((l) => Number.isFinite(l.x))) {
    const same = merged.find((m) => Math.abs(m.x - line.x) < 1e-9);
    if (same) same.label = `${same.label} · ${line.label}`;
    else merged.push({ ...line });
  }
  return merged.sort((a, b) => a.x - b.x).map((l) => ({ ...l, label: `${l.label} ${l.x}` }));
}

export interface ScatterPointInput {
  taskId: string;
  mean: number;
  variance: number;
  region: string;
  isSeed: boolean;
}

export interface ScatterSeries {
  key: string;
  label: string;
  color: string;
  shape: "circle" | "triangle";
  points: { x: number; y: number; taskId: string }[];
}

export interface ScatterData {
  series: ScatterSeries[];
  bound: { x: number; y: number }[];
  shown: number;
  isEmpty: boolean;
}

/** The largest variance K rewards in [0, 1] with mean r̄ can have: r̄(1 − r̄), sampled at `segments` + 1 points. */
export function varianceBound(segments = 50): { x: number; y: number }[] {
  return Array.from({ length: segments + 1 }, (_, i) => {
    const x = i / segments;
    return { x: round(x, 6), y: round(x * (1 - x), 6) };
  });
}

/** Points grouped by region (its colour) and origin (seeds as circles, synthesized as triangles). */
export function prepareScatter(points: readonly ScatterPointInput[]): ScatterData {
  const series: ScatterSeries[] = [];
  for (const region of REGIONS) {
    for (const isSeed of [true, false]) {
      const pts = points
        .filter((p) => p.region === region && p.isSeed === isSeed && Number.isFinite(p.mean) && Number.isFinite(p.variance))
        .map((p) => ({ x: p.mean, y: p.variance, taskId: p.taskId }));
      if (pts.length === 0) continue;
      series.push({
        key: `${region}-${isSeed ? "seed" : "synthesized"}`,
        label: `${region}, ${isSeed ? "seeds" : "synthesized"}`,
        color: REGION_COLORS[region],
        shape: isSeed ? "circle" : "triangle",
        points: pts,
      });
    }
  }
  const shown = series.reduce((n, s) => n + s.points.length, 0);
  return { series, bound: varianceBound(), shown, isEmpty: shown === 0 };
}
