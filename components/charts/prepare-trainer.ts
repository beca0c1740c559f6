// An external trainer's metrics by step (loss, kl, gradNorm, lr or any named numbers it acknowledged with), one
// line per metric; a metric a step did not report is a gap, not a zero. Input: runs.trainerMetrics rows.
import { RUN_COLORS } from "./colors";
import { hasAnyValue, rowsByStep, type LineChartData, type SeriesSpec } from "./prepare-common";

export interface TrainerMetricsInput {
  stepIndex: number;
  metrics: Record<string, number>;
}

export function prepareTrainerMetrics(points: readonly TrainerMetricsInput[]): LineChartData & { names: string[] } {
  const names = [...new Set(points.flatMap((p) => Object.keys(p.metrics)))].sort();
  // Colours by name, so "loss" keeps its colour whatever else a trainer reports.
  const series: SeriesSpec[] = names.map((name) => ({ key: `m:${name}`, label: name, color: RUN_COLORS[[...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % RUN_COLORS.length]! }));
  const keys = series.map((s) => s.key);
  const rows = rowsByStep(
    // 1-based steps, as everywhere in the UI.
    points.map((p) => ({ step: p.stepIndex + 1, values: Object.fromEntries(Object.entries(p.metrics).map(([k, v]) => [`m:${k}`, v])) })),
    keys,
    false,
  );
  return { rows, series, names, isEmpty: !hasAnyValue(rows, keys) };
}
