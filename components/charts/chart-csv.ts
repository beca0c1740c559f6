// A chart's data as CSV (one row per x, one column per series, empty where a series has no value), so every
// chart can be downloaded as the numbers it draws.
// Series labels are run names: the shared cell rule quotes them and neutralises spreadsheet formulas (an
// import-free pure module; components/ takes values from server/ only from such modules: csv.ts, token-estimate.ts).
import { csvLine } from "@/server/rods/csv";
import type { LineChartData } from "./prepare-common";

export function chartCsv(data: Pick<LineChartData, "rows" | "series">, xLabel = "step"): string {
  const header = [xLabel, ...data.series.map((s) => s.label)];
  const lines = data.rows.map((row) => csvLine([row.step, ...data.series.map((s) => row[s.key])]));
  return `${[csvLine(header), ...lines].join("\n")}\n`;
}

/** A file name from a chart title: "Held-out score" -> "held-out-score.csv". */
export function csvFileName(title: string): string {
  return `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "chart"}.csv`;
}
