// Several runs overlaid: informative fraction and held-out score (one colour per run), region occupancy as a share
// of the step's tasks (the region's colour, one dash pattern per run), and the table of settings that differ.
// Input: runs.compare.
import { REGION_COLORS, REGIONS, runColor, runDash } from "./colors";
import { finiteOrNull, hasAnyValue, rowsByStep, type LineChartData, type SeriesSpec } from "./prepare-common";

export interface CompareInput {
  runs: readonly { id: string; name: string; mode: string; status: string }[];
  curves: readonly {
    runId: string;
    steps: readonly { step: number; informativeFraction: number | null; hard: number | null; boundary: number | null; mastered: number | null }[];
    heldOut: readonly { step: number; score: number; progress: number }[];
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

export interface CompareCharts {
  runs: CompareRun[];
  informativeFraction: LineChartData;
  heldOut: LineChartData;
  regions: LineChartData;
  settings: { key: string; label: string; values: string[] }[];
}

export function prepareCompare(input: CompareInput): CompareCharts {
  // Colours follow the order the runs were picked in, so the table, the legend and every chart agree.
  const runs = input.runs.map((r, i) => ({ id: r.id, name: r.name, mode: r.mode, status: r.status, color: runColor(i), dash: runDash(i), key: `run_${i}` }));
  const curveOf = new Map(input.curves.map((c) => [c.runId, c]));
  const runSeries: SeriesSpec[] = runs.map((r) => ({ key: r.key, label: r.name, color: r.color, dash: r.dash }));
  const runKeys = runs.map((r) => r.key);

  const infRows = rowsByStep(
    runs.flatMap((r) => (curveOf.get(r.id)?.steps ?? []).map((s) => ({ step: s.step, values: { [r.key]: s.informativeFraction } }))),
    runKeys,
  );
  // Held-out evaluations are sparse and at different steps per run: no gap filling, lines join a run's points.
  const heldRows = rowsByStep(
    runs.flatMap((r) => (curveOf.get(r.id)?.heldOut ?? []).map((h) => ({ step: h.step, values: { [r.key]: h.score } }))),
    runKeys,
    false,
  );
  const regionSeries: SeriesSpec[] = runs.flatMap((r) =>
    REGIONS.map((region) => ({ key: `${r.key}_${region}`, label: `${r.name} · ${region}`, color: REGION_COLORS[region], dash: r.dash })),
  );
  const regionRows = rowsByStep(
    runs.flatMap((r) =>
      (curveOf.get(r.id)?.steps ?? []).map((s) => {
        const counts = REGIONS.map((region) => finiteOrNull(s[region]));
        const total = counts.reduce<number>((a, c) => a + (c ?? 0), 0);
        const isKnown = counts.every((c) => c !== null) && total > 0;
        return { step: s.step, values: Object.fromEntries(REGIONS.map((region, i) => [`${r.key}_${region}`, isKnown ? counts[i]! / total : null])) };
      }),
    ),
    regionSeries.map((s) => s.key),
  );
  return {
    runs,
    informativeFraction: { rows: infRows, series: runSeries, isEmpty: !hasAnyValue(infRows, runKeys) },
    heldOut: { rows: heldRows, series: runSeries, isEmpty: !hasAnyValue(heldRows, runKeys) },
    regions: { rows: regionRows, series: regionSeries, isEmpty: !hasAnyValue(regionRows, regionSeries.map((s) => s.key)) },
    settings: input.settings.map((s) => ({ key: s.key, label: s.label, values: [...s.values] })),
  };
}
