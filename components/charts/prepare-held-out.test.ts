import { describe, expect, it } from "vitest";
import { categoryColor, METRIC_COLORS } from "./colors";
import { prepareHeldOut } from "./prepare-held-out";

describe("prepareHeldOut", () => {
  it("pivots evaluations into one row per evaluated step: overall, its progress reward, and each category", () => {
    const chart = prepareHeldOut([
      { stepIndex: 10, category: "overall", score: 0.3, progress: 0.5 },
      { stepIndex: 0, category: "overall", score: 0.2, progress: 0.4 },
      { stepIndex: 0, category: "miss_func", score: 0.1, progress: 0.3 },
      { stepIndex: 0, category: "base", score: 0.3, progress: 0.5 },
      { stepIndex: 10, category: "base", score: 0.5, progress: 0.6 },
    ]);
    expect(chart.rows).toEqual([
      { step: 0, overall: 0.2, overallProgress: 0.4, "cat:base": 0.3, "cat:miss_func": 0.1 },
      { step: 10, overall: 0.3, overallProgress: 0.5, "cat:base": 0.5, "cat:miss_func": null },
    ]);
    expect(chart.series.map((s) => s.label)).toEqual(["overall (success rate)", "overall progress reward R_P", "base", "miss_func"]);
    expect(chart.series[0]!.color).toBe(METRIC_COLORS.heldOutOverall);
    expect(chart.series[3]!.color).toBe(categoryColor("miss_func"));
    expect(chart.first).toEqual({ step: 0, score: 0.2 });
    expect(chart.latest).toEqual({ step: 10, score: 0.3 });
  });

  it("is empty before the first evaluation", () => {
    const chart = prepareHeldOut([]);
    expect(chart.isEmpty).toBe(true);
    expect(chart.latest).toBeNull();
  });
});
