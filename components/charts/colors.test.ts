import { describe, expect, it } from "vitest";
import { categoryColor, REGION_COLORS, RETIRE_COLORS, runColor, runDash, RUN_COLORS } from "./colors";
import { prepareCompare } from "./prepare-compare";
import { prepareHistogram, prepareScatter } from "./prepare-distribution";
import { prepareRegionOccupancy } from "./prepare-series";

describe("colours per identity", () => {
  it("gives each region one distinct colour", () => {
    expect(new Set(Object.values(REGION_COLORS)).size).toBe(3);
  });

  it("draws a region in its colour on every chart that shows regions", () => {
    const step = { step: 0, informativeFraction: 0.5, meanPhi: 0.5, gradConcentration: 0.2, seedHard: 1, seedBoundary: 2, seedMastered: 3, synthesizedHard: 0, synthesizedBoundary: 1, synthesizedMastered: 0, infraFailures: 0, numRollouts: 16, tokensIn: 0, tokensOut: 0 };
    const occupancy = prepareRegionOccupancy([step], "seed").series;
    const scatter = prepareScatter([
      { taskId: "a", mean: 0.1, variance: 0.05, region: "hard", isSeed: true },
      { taskId: "b", mean: 0.5, variance: 0.2, region: "boundary", isSeed: false },
      { taskId: "c", mean: 0.95, variance: 0.02, region: "mastered", isSeed: true },
    ]).series;
    const landing = prepareHistogram({ min: 0, max: 1, counts: [1, 1, 1, 1] }, { regions: { alphaMinus: 0.25, alphaPlus: 0.75 } }).bins;
    const summary = { steps: 0, rollouts: 0, finalHeldOut: null, finalHeldOutStep: null, bestHeldOut: null, bestHeldOutStep: null, informativeAuc: 0, informativeMean: null, wallSeconds: null };
    const compare = prepareCompare({
      runs: [{ id: "r1", name: "one", mode: "rods", status: "completed", summary }, { id: "r2", name: "two", mode: "static", status: "completed", summary }],
      curves: [],
      settings: [],
    }).regionPanels.flatMap((p) => p.data.series);
    for (const region of ["hard", "boundary", "mastered"] as const) {
      expect(occupancy.find((s) => s.key === region)?.color).toBe(REGION_COLORS[region]);
      for (const s of scatter.filter((x) => x.key.startsWith(region))) expect(s.color).toBe(REGION_COLORS[region]);
      for (const s of compare.filter((x) => x.key.endsWith(region))) expect(s.color).toBe(REGION_COLORS[region]);
    }
    expect(landing.map((b) => b.color)).toEqual([REGION_COLORS.hard, REGION_COLORS.boundary, REGION_COLORS.boundary, REGION_COLORS.mastered]);
  });

  it("colours retirements to leave a region with that region's colour", () => {
    expect(RETIRE_COLORS.mastered).toBe(REGION_COLORS.mastered);
    expect(RETIRE_COLORS.unsolvable).toBe(REGION_COLORS.hard);
  });

  it("cycles run colours and dashes by position, so a run keeps them as the list grows", () => {
    expect(runColor(0)).toBe(RUN_COLORS[0]);
    expect(runColor(RUN_COLORS.length)).toBe(RUN_COLORS[0]);
    expect(runDash(0)).toBeUndefined();
    expect(runDash(1)).toBeTypeOf("string");
  });

  it("keeps a category's colour stable, known or not", () => {
    expect(categoryColor("base")).not.toBe(categoryColor("miss_func"));
    expect(categoryColor("something_new")).toBe(categoryColor("something_new"));
  });
});
