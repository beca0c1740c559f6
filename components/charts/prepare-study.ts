// A study's overlaid curves with bands: one colour per mode (its position in the study), the mean over seeds as a
// line and mean ± sd as a shaded band. Input: studies.get (table.curves).
import { runColor } from "./colors";
import { finiteOrNull, type SeriesSpec } from "./prepare-common";

export interface StudyCurvesInput {
  modes: readonly string[];
  curves: readonly { mode: string; informative: readonly CurvePoint[]; reward: readonly CurvePoint[] }[];
}
interface CurvePoint {
  step: number;
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** Rows keyed by step: `<mode>` the mean, `<mode>__band` [low, high] (recharts draws an array value as a range). */
export type BandRow = { step: number } & Record<string, number | [number, number] | null>;

export interface BandChartData {
  rows: BandRow[];
  series: (SeriesSpec & { bandKey: string })[];
  isEmpty: boolean;
}

export function prepareStudyCurves(input: StudyCurvesInput, metric: "informative" | "reward"): BandChartData {
  const series = input.modes.map((mode, i) => ({ key: mode, bandKey: `${mode}__band`, label: mode, color: runColor(i) }));
  const byStep = new Map<number, BandRow>();
  for (const curve of input.curves) {
    for (const p of curve[metric]) {
      const mean = finiteOrNull(p.mean);
      if (mean === null) continue;
      const row = byStep.get(p.step) ?? ({ step: p.step } as BandRow);
      row[curve.mode] = mean;
      const low = finiteOrNull(p.low);
      const high = finiteOrNull(p.high);
      row[`${curve.mode}__band`] = low !== null && high !== null ? [low, high] : null;
      byStep.set(p.step, row);
    }
  }
  const rows = [...byStep.values()].sort((a, b) => a.step - b.step);
  for (const row of rows) for (const s of series) if (!(s.key in row)) (row[s.key] = null), (row[s.bandKey] = null);
  return { rows, series, isEmpty: rows.length === 0 };
}
