// A chart's data as CSV (one row per x, one column per series, empty where a series has no value), so every
// chart can be downloaded as the numbers it draws.
import type { LineChartData } from "./prepare-common";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function chartCsv(data: Pick<LineChartData, "rows" | "series">, xLabel = "step"): string {
  const header = [xLabel, ...data.series.map((s) => s.label)];
  const lines = data.rows.map((row) => [row.step, ...data.series.map((s) => row[s.key])].map(cell).join(","));
  return `${[header.map(cell).join(","), ...lines].join("\n")}\n`;
}

/** A file name from a chart title: "Held-out score" -> "held-out-score.csv". */
export function csvFileName(title: string): string {
  return `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "chart"}.csv`;
}
