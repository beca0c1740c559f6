// r̄ of one task over steps, one line per run: rows keyed by step with one column per run. A step at which a run did
// not roll the task out is null, never a zero (a task is in only some steps' batches, so the chart joins a run's
// observations across such steps). Colours follow the run's position (oldest first), so a run keeps its colour as
// newer runs appear.
import { runColor } from "./colors";

export interface TaskHistoryRun {
  runId: string;
  runName: string;
  points: { stepIndex: number; mean: number }[];
}

export interface TaskHistorySeries {
  key: string;
  runId: string;
  label: string;
  color: string;
  pointCount: number;
}

export type TaskHistoryRow = { step: number } & Record<string, number | null>;

export interface TaskHistoryChart {
  rows: TaskHistoryRow[];
  series: TaskHistorySeries[];
  isEmpty: boolean;
  /** a run seen at a single step draws no line; the chart shows dots for it */
  hasSinglePoints: boolean;
}

export function prepareTaskHistory(runs: readonly TaskHistoryRun[]): TaskHistoryChart {
  const withPoints = runs.filter((r) => r.points.length > 0);
  const nameCounts = new Map<string, number>();
  for (const r of withPoints) nameCounts.set(r.runName, (nameCounts.get(r.runName) ?? 0) + 1);
  const series = withPoints.map((r, i) => ({
    key: `run_${i}`,
    runId: r.runId,
    // Runs may share a name (repeated experiments); the end of the id tells them apart in the legend.
    label: (nameCounts.get(r.runName) ?? 0) > 1 ? `${r.runName} · ${r.runId.slice(-6)}` : r.runName,
    color: runColor(i),
    pointCount: r.points.length,
  }));
  // Steps are shown 1-based, as everywhere in the UI (stepIndex 0 is step 1).
  const steps = [...new Set(withPoints.flatMap((r) => r.points.map((p) => p.stepIndex + 1)))].sort((a, b) => a - b);
  const rows = steps.map((step) => {
    const row: TaskHistoryRow = { step } as TaskHistoryRow;
    withPoints.forEach((r, i) => {
      const point = r.points.find((p) => p.stepIndex + 1 === step);
      row[`run_${i}`] = point && Number.isFinite(point.mean) ? point.mean : null;
    });
    return row;
  });
  return { rows, series, isEmpty: rows.length === 0, hasSinglePoints: series.some((s) => s.pointCount === 1) };
}
