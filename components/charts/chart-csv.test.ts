import { describe, expect, it } from "vitest";
import { chartCsv, csvFileName } from "./chart-csv";

describe("chartCsv", () => {
  it("writes one row per x and one column per series, empty cells for gaps, quoted labels", () => {
    const csv = chartCsv(
      {
        rows: [
          { step: 1, a: 0.5, b: null },
          { step: 2, a: 0.25, b: 1 },
        ],
        series: [
          { key: "a", label: "rods, seed 1", color: "#000" },
          { key: "b", label: 'static "baseline"', color: "#111" },
        ],
      },
      "rollouts consumed",
    );
    expect(csv).toBe('rollouts consumed,"rods, seed 1","static ""baseline"""\n1,0.5,\n2,0.25,1\n');
  });

  it("neutralises run names a spreadsheet would run as formulas, and keeps negative values numbers", () => {
    const csv = chartCsv({ rows: [{ step: 1, a: -0.5 }], series: [{ key: "a", label: '=HYPERLINK("http://evil.example")', color: "#000" }] });
    expect(csv).toBe('step,"\'=HYPERLINK(""http://evil.example"")"\n1,-0.5\n');
  });

  it("names the file after the chart", () => {
    expect(csvFileName("Held-out score over training")).toBe("held-out-score-over-training.csv");
  });
});
