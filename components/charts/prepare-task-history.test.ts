import { describe, expect, it } from "vitest";
import { RUN_COLORS } from "./colors";
import { prepareTaskHistory } from "./prepare-task-history";

describe("prepareTaskHistory", () => {
  it("merges runs into one row per (1-based) step, with a gap (null) where a run has no observation", () => {
    const chart = prepareTaskHistory([
      { runId: "a", runName: "rods", points: [{ stepIndex: 0, mean: 0.25 }, { stepIndex: 2, mean: 0.5 }] },
      { runId: "b", runName: "static", points: [{ stepIndex: 1, mean: 0 }, { stepIndex: 2, mean: 1 }] },
    ]);
    expect(chart.rows).toEqual([
      { step: 1, run_0: 0.25, run_1: null },
      { step: 2, run_0: null, run_1: 0 },
      { step: 3, run_0: 0.5, run_1: 1 },
    ]);
    expect(chart.series.map((s) => [s.label, s.color])).toEqual([
      ["rods", RUN_COLORS[0]],
      ["static", RUN_COLORS[1]],
    ]);
    expect(chart.isEmpty).toBe(false);
  });

  it("keeps a zero r̄ as zero, not as a gap", () => {
    const chart = prepareTaskHistory([{ runId: "a", runName: "r", points: [{ stepIndex: 3, mean: 0 }, { stepIndex: 4, mean: 0.1 }] }]);
    expect(chart.rows[0]).toEqual({ step: 4, run_0: 0 });
  });

  it("sorts steps numerically and skips runs without points", () => {
    const chart = prepareTaskHistory([
      { runId: "x", runName: "empty", points: [] },
      { runId: "a", runName: "r", points: [{ stepIndex: 10, mean: 0.5 }, { stepIndex: 9, mean: 0.4 }] },
    ]);
    expect(chart.rows.map((r) => r.step)).toEqual([10, 11]);
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]).toMatchObject({ runId: "a", key: "run_0", color: RUN_COLORS[0] });
  });

  it("tells runs with the same name apart by the end of their id", () => {
    const chart = prepareTaskHistory([
      { runId: "run-aaaaaa111111", runName: "demo", points: [{ stepIndex: 0, mean: 0.5 }] },
      { runId: "run-bbbbbb222222", runName: "demo", points: [{ stepIndex: 0, mean: 0.5 }] },
      { runId: "run-cccccc333333", runName: "other", points: [{ stepIndex: 0, mean: 0.5 }] },
    ]);
    expect(chart.series.map((s) => s.label)).toEqual(["demo · 111111", "demo · 222222", "other"]);
  });

  it("reports an empty chart and single-point runs", () => {
    expect(prepareTaskHistory([]).isEmpty).toBe(true);
    expect(prepareTaskHistory([{ runId: "a", runName: "r", points: [{ stepIndex: 0, mean: 0.5 }] }]).hasSinglePoints).toBe(true);
  });
});
