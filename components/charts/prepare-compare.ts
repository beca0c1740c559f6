// Several runs overlaid on a common x axis (steps done, rollouts consumed or seconds since start): informative
// fraction and held-out score (one colour per run), region occupancy as small multiples (one panel per run, the
// region's colour, the same axes in every panel), the summary table and the settings that differ.
// Input: runs.compare.
import { REGION_COLORS, REGIONS, runColor, runDash } from "./colors";
import { finiteOrNull, hasAnyValue, rowsByStep, type LineChartData, type SeriesSpec, type StepRow } from "./prepare-common";
import type { AxisPosition, CompareAxis, CurveSummary } from "@/server/rods/curves";

export type { CompareAxis };

export const COMPARE_AXES: readonly { value: CompareAxis; label: string; axisLabel: string }[] = [
  { value: "step", label: "steps", axisLabel: "step (policy updates)" },
  { value: "rollouts", label: "rollouts consumed", axisLabel: "rollouts consumed" },
  { value: "wall", label: "wall-clock", axisLabel: "seconds since start" },
];

type Position = AxisPosition;

/** A run's summary row as the server computes it (server/rods/curves.ts). */
export type CompareSummaryIn = CurveSummary;

export interface CompareInput {
  runs: readonly { id: string; name: string; mode: string; status: string; summary: CompareSummaryIn }[];
  curves: readonly {
    runId: string;
    steps: readonly (Position & { informativeFraction: number | null; hard: number | null; boundary: number | null; mastered: number | null })[];
    heldOut: readonly (Position & { score: number; progress: number })[];
  }[];
  settings: readonly { key: string; label: string; values: readonly string[] }[];
}

export interface CompareRun {
  id: string;
  name: string;
  mode: string;
  status: string;
  color: string;
  dash?: string;
  key: string;
}

export interface CompareSummaryRow extends CompareSummaryIn {
  run: CompareRun;
  /** final held-out minus the first run's; null for the first run or when either has no evaluation */
  diffToFirst: number | null;
}

export interface RegionPanel {
  run: CompareRun;
  data: LineChartData;
}

export interface CompareCharts {
  runs: CompareRun[];
  axis: CompareAxis;
  xLabel: string;
  /** shared by every chart and panel, so they line up */
  xDomain: [number, number] | null;
  informativeFraction: LineChartData;
  heldOut: LineChartData;
  regionPanels: RegionPanel[];
  summary: CompareSummaryRow[];
  settings: { key: string; label: string; values: string[] }[];
  /** runs left off a wall-clock axis because their step times are unknown */
  missingX: string[];
}

function xOf(p: Position, axis: CompareAxis): number | null {
  const x = axis === "step" ? p.step : axis === "rollouts" ? p.rollouts : p.wallSeconds;
  return finiteOrNull(x);
}

/** Rows at every x any run reported, sorted; on the step axis every integer step in between (a gap is a gap). */
function rowsByX(points: readonly { x: number | null; values: Record<string, unknown> }[], keys: readonly string[], axis: CompareAxis, fillGaps: boolean): StepRow[] {
  const known = points.filter((p): p is { x: number; values: Record<string, unknown> } => p.x !== null);
  if (axis === "step") return rowsByStep(known.map((p) => ({ step: p.x, values: p.values })), keys, fillGaps);
  const byX = new Map<number, Record<string, unknown>>();
  for (const p of known) byX.set(p.x, { ...(byX.get(p.x) ?? {}), ...p.values });
  return [...byX.keys()]
    .sort((a, b) => a - b)
    .map((x) => {
      const row = { step: x } as StepRow;
      for (const key of keys) row[key] = finiteOrNull(byX.get(x)?.[key]);
      return row;
    });
}

export function prepareCompare(input: CompareInput, axis: CompareAxis = "step"): CompareCharts {
  // Colours follow the order the runs were picked in, so the table, the legend and every chart agree.
  const runs = input.runs.map((r, i) => ({ id: r.id, name: r.name, mode: r.mode, status: r.status, color: runColor(i), dash: runDash(i), key: `run_${i}` }));
  const curveOf = new Map(input.curves.map((c) => [c.runId, c]));
  const runSeries: SeriesSpec[] = runs.map((r) => ({ key: r.key, label: r.name, color: r.color, dash: r.dash }));
  const runKeys = runs.map((r) => r.key);
  // On the step axis runs share x values, so a missing step stays a gap; on the others every run has its own x
  // values, and a line must join its own points across the other runs' rows.
  const isSharedX = axis === "step";

  const infRows = rowsByX(
    runs.flatMap((r) => (curveOf.get(r.id)?.steps ?? []).map((s) => ({ x: xOf(s, axis), values: { [r.key]: s.informativeFraction } }))),
    runKeys,
    axis,
    true,
  );
  // Held-out evaluations are sparse and at different steps per run: each run's line joins its own points.
  const heldRows = rowsByX(
    runs.flatMap((r) => (curveOf.get(r.id)?.heldOut ?? []).map((h) => ({ x: xOf(h, axis), values: { [r.key]: h.score } }))),
    runKeys,
    axis,
    false,
  );
  const regionPanels = runs.map((r) => {
    const rows = rowsByX(
      (curveOf.get(r.id)?.steps ?? []).map((s) => {
        const counts = REGIONS.map((region) => finiteOrNull(s[region]));
        const total = counts.reduce<number>((a, c) => a + (c ?? 0), 0);
        const isKnown = counts.every((c) => c !== null) && total > 0;
        return { x: xOf(s, axis), values: Object.fromEntries(REGIONS.map((region, i) => [region, isKnown ? counts[i]! / total : null])) };
      }),
      REGIONS,
      axis,
      true,
    );
    return { run: r, data: { rows, series: REGIONS.map((region) => ({ key: region, label: region, color: REGION_COLORS[region] })), isEmpty: !hasAnyValue(rows, REGIONS) } };
  });
  const xs = [...infRows, ...heldRows, ...regionPanels.flatMap((p) => p.data.rows)].map((r) => r.step);
  const first = input.runs[0]?.summary.finalHeldOut ?? null;
  const missingX = axis === "wall" ? runs.filter((r) => (curveOf.get(r.id)?.steps ?? []).some((s) => s.wallSeconds === null)).map((r) => r.name) : [];
  return {
    runs,
    axis,
    xLabel: COMPARE_AXES.find((a) => a.value === axis)!.axisLabel,
    xDomain: xs.length ? [Math.min(...xs), Math.max(...xs)] : null,
    informativeFraction: { rows: infRows, series: runSeries, isEmpty: !hasAnyValue(infRows, runKeys), connectNulls: !isSharedX },
    heldOut: { rows: heldRows, series: runSeries, isEmpty: !hasAnyValue(heldRows, runKeys), connectNulls: true },
    regionPanels,
    summary: input.runs.map((r, i) => ({
      ...r.summary,
      run: runs[i]!,
      diffToFirst: i > 0 && first !== null && r.summary.finalHeldOut !== null ? r.summary.finalHeldOut - first : null,
    })),
    settings: input.settings.map((s) => ({ key: s.key, label: s.label, values: [...s.values] })),
    missingX,
  };
}
