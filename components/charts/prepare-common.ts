// Shared shaping for the run charts: finite numbers or null (a gap), rows keyed by step with a gap for every step
// that has no value, and the series descriptions the render components draw.

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
  /** SVG dash pattern; undefined draws a solid line */
  dash?: string;
}

export type StepRow = { step: number } & Record<string, number | null>;

export interface LineChartData {
  rows: StepRow[];
  series: SeriesSpec[];
  /** no row has a value in any series */
  isEmpty: boolean;
  /** join a series' points across rows where it has no value (series measured at different x, e.g. held-out) */
  connectNulls?: boolean;
  /** set when the numbers are estimates, not measurements: what is estimated and how (shown on the chart) */
  estimate?: string | null;
}

/** A number the chart can draw, or null: NaN, ±Infinity, null and undefined are all "no value here". */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Rows for every integer step from the smallest to the largest given, sorted, one column per key; a step nobody
 * reported gets null in every column, so lines break there instead of bridging it (missing is a gap, not a zero).
 */
export function rowsByStep(points: readonly { step: number; values: Record<string, unknown> }[], keys: readonly string[], fillGaps = true): StepRow[] {
  const byStep = new Map<number, Record<string, unknown>>();
  for (const p of points) {
    if (!Number.isInteger(p.step)) continue;
    byStep.set(p.step, { ...(byStep.get(p.step) ?? {}), ...p.values });
  }
  const present = [...byStep.keys()].sort((a, b) => a - b);
  if (present.length === 0) return [];
  const steps = fillGaps ? Array.from({ length: present.at(-1)! - present[0]! + 1 }, (_, i) => present[0]! + i) : present;
  return steps.map((step) => {
    const values = byStep.get(step);
    const row = { step } as StepRow;
    for (const key of keys) row[key] = finiteOrNull(values?.[key]);
    return row;
  });
}

export function hasAnyValue(rows: readonly StepRow[], keys: readonly string[]): boolean {
  return rows.some((row) => keys.some((k) => row[k] !== null && row[k] !== undefined));
}

/** Last non-null value of a column (the "now" figure printed beside a chart), or null. */
export function lastValue(rows: readonly StepRow[], key: string): number | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const v = rows[i]![key];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
