// Held-out score over training: overall (bold) and one line per category, by the step the evaluation ran at.
// Input: runs.heldOut points (category "overall" or a BFCL category).
import { categoryColor, METRIC_COLORS } from "./colors";
import { hasAnyValue, rowsByStep, type LineChartData, type SeriesSpec } from "./prepare-common";

export interface HeldOutInput {
  stepIndex: number;
  category: string;
  score: number;
  progress: number;
}

export interface HeldOutChart extends LineChartData {
  /** newest overall score and its step */
  latest: { step: number; score: number } | null;
  first: { step: number; score: number } | null;
}

const key = (category: string) => (category === "overall" ? "overall" : `cat:${category}`);

export function prepareHeldOut(points: readonly HeldOutInput[]): HeldOutChart {
  const categories = [...new Set(points.map((p) => p.category).filter((c) => c !== "overall"))].sort();
  const series: (SeriesSpec & { isOverall?: boolean })[] = [
    { key: "overall", label: "overall (success rate)", color: METRIC_COLORS.heldOutOverall, isOverall: true },
    { key: "overallProgress", label: "overall progress reward R_P", color: METRIC_COLORS.heldOutOverall, dash: "4 3" },
    ...categories.map((c) => ({ key: key(c), label: c, color: categoryColor(c) })),
  ];
  const keys = series.map((s) => s.key);
  // Evaluations run every few epochs: rows only at evaluated steps, lines join them (no gaps between evaluations).
  const rows = rowsByStep(
    points.map((p) => ({ step: p.stepIndex, values: p.category === "overall" ? { overall: p.score, overallProgress: p.progress } : { [key(p.category)]: p.score } })),
    keys,
    false,
  );
  const overall = rows.filter((r) => r.overall !== null);
  return {
    rows,
    series,
    isEmpty: !hasAnyValue(rows, keys),
    latest: overall.length ? { step: overall.at(-1)!.step, score: overall.at(-1)!.overall! } : null,
    first: overall.length ? { step: overall[0]!.step, score: overall[0]!.overall! } : null,
  };
}
