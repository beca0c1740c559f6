import { describe, expect, it } from "vitest";
import { REGION_COLORS, RUN_COLORS } from "./colors";
import { prepareCompare, type CompareInput } from "./prepare-compare";

const input: CompareInput = {
  runs: [
    { id: "b", name: "rods run", mode: "rods", status: "completed" },
    { id: "a", name: "static run", mode: "static", status: "running" },
  ],
  curves: [
    {
      runId: "a",
      steps: [{ step: 0, informativeFraction: 0.6, hard: 10, boundary: 20, mastered: 10 }],
      heldOut: [{ step: 0, score: 0.2, progress: 0.4 }],
    },
    {
      runId: "b",
      steps: [
        { step: 0, informativeFraction: 0.7, hard: 5, boundary: 10, mastered: 5 },
        { step: 2, informativeFraction: 0.65, hard: null, boundary: null, mastered: null },
      ],
      heldOut: [
        { step: 0, score: 0.21, progress: 0.4 },
        { step: 2, score: 0.3, progress: 0.5 },
      ],
    },
  ],
  settings: [{ key: "mode", label: "mode", values: ["rods", "static"] }],
};

describe("prepareCompare", () => {
  it("colours runs in the order they were picked and overlays their informative fraction by step, gaps included", () => {
    const c = prepareCompare(input);
    expect(c.runs.map((r) => [r.id, r.color])).toEqual([
      ["b", RUN_COLORS[0]],
      ["a", RUN_COLORS[1]],
    ]);
    expect(c.informativeFraction.rows).toEqual([
      { step: 0, run_0: 0.7, run_1: 0.6 },
      { step: 1, run_0: null, run_1: null },
      { step: 2, run_0: 0.65, run_1: null },
    ]);
  });

  it("joins held-out points per run without filling the steps between evaluations", () => {
    const c = prepareCompare(input);
    expect(c.heldOut.rows).toEqual([
      { step: 0, run_0: 0.21, run_1: 0.2 },
      { step: 2, run_0: 0.3, run_1: null },
    ]);
  });

  it("shows region occupancy as a share of the step's tasks, region colour with one dash per run", () => {
    const c = prepareCompare(input);
    expect(c.regions.rows[0]).toMatchObject({ run_0_hard: 0.25, run_0_boundary: 0.5, run_0_mastered: 0.25, run_1_boundary: 0.5 });
    expect(c.regions.rows.at(-1)).toMatchObject({ run_0_hard: null, run_0_boundary: null });
    const boundary = c.regions.series.filter((s) => s.key.endsWith("_boundary"));
    expect(boundary.map((s) => s.color)).toEqual([REGION_COLORS.boundary, REGION_COLORS.boundary]);
    expect(boundary[0]!.dash).not.toBe(boundary[1]!.dash);
  });

  it("passes the differing settings through, one value per run", () => {
    expect(prepareCompare(input).settings).toEqual([{ key: "mode", label: "mode", values: ["rods", "static"] }]);
  });

  it("is empty for runs without steps", () => {
    const c = prepareCompare({ ...input, curves: [] });
    expect(c.informativeFraction.isEmpty).toBe(true);
    expect(c.heldOut.isEmpty).toBe(true);
    expect(c.regions.isEmpty).toBe(true);
  });
});
