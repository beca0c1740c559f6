import { describe, expect, it } from "vitest";
import { REGION_COLORS } from "./colors";
import { prepareHistogram, prepareScatter, prepareThresholdLines, regionOfMean, varianceBound } from "./prepare-distribution";

describe("prepareHistogram", () => {
  it("turns SQL bin counts into equal-width bins over [min, max] with midpoints and labels", () => {
    const h = prepareHistogram({ min: 0, max: 0.25, counts: [3, 0, 1, 4, 2] });
    expect(h.bins.map((b) => [b.x0, b.x1])).toEqual([
      [0, 0.05],
      [0.05, 0.1],
      [0.1, 0.15],
      [0.15, 0.2],
      [0.2, 0.25],
    ]);
    expect(h.bins[0]!.mid).toBe(0.025);
    expect(h.bins[1]!.label).toBe("0.05–0.10");
    expect(h.total).toBe(10);
    expect(h.binWidth).toBe(0.05);
    expect(h.isEmpty).toBe(false);
  });

  it("is empty when every bin is zero, and treats bad counts as zero", () => {
    expect(prepareHistogram({ min: 0, max: 1, counts: [0, 0] }).isEmpty).toBe(true);
    expect(prepareHistogram({ min: 0, max: 1, counts: [Number.NaN, 2] }).total).toBe(2);
  });

  it("colours bars by the region of their midpoint when given α− and α+", () => {
    const h = prepareHistogram({ min: 0, max: 1, counts: Array(10).fill(1) }, { regions: { alphaMinus: 0.2, alphaPlus: 0.85 } });
    expect(h.bins.map((b) => b.color)).toEqual([
      ...Array(2).fill(REGION_COLORS.hard),
      ...Array(7).fill(REGION_COLORS.boundary),
      REGION_COLORS.mastered,
    ]);
    expect(regionOfMean(0.85, { alphaMinus: 0.2, alphaPlus: 0.85 })).toBe("boundary");
  });
});

describe("prepareThresholdLines", () => {
  it("draws α−, α+ and the retirement lines in order, merging lines at the same value", () => {
    const lines = prepareThresholdLines({ alphaMinus: 0.2, alphaPlus: 0.85, driftLow: 0.2, driftHigh: 0.95 });
    expect(lines.map((l) => [l.x, l.label])).toEqual([
      [0.2, "α− · retire low 0.2"],
      [0.85, "α+ 0.85"],
      [0.95, "retire high 0.95"],
    ]);
    expect(prepareThresholdLines({ alphaMinus: 0.1, alphaPlus: 0.9, driftLow: 0.2, driftHigh: 0.95 })).toHaveLength(4);
  });
});

describe("the (r̄, variance) scatter", () => {
  it("bounds the variance by r̄(1 − r̄): zero at both ends, 1/4 at one half", () => {
    const bound = varianceBound(4);
    expect(bound).toEqual([
      { x: 0, y: 0 },
      { x: 0.25, y: 0.1875 },
      { x: 0.5, y: 0.25 },
      { x: 0.75, y: 0.1875 },
      { x: 1, y: 0 },
    ]);
  });

  it("groups points by region and origin, in region order, skipping empty groups and non-finite points", () => {
    const data = prepareScatter([
      { taskId: "m", mean: 1, variance: 0, region: "mastered", isSeed: true },
      { taskId: "b1", mean: 0.5, variance: 0.25, region: "boundary", isSeed: true },
      { taskId: "b2", mean: 0.4, variance: 0.2, region: "boundary", isSeed: false },
      { taskId: "bad", mean: Number.NaN, variance: 0.1, region: "hard", isSeed: true },
    ]);
    expect(data.series.map((s) => [s.key, s.shape, s.points.length])).toEqual([
      ["boundary-seed", "circle", 1],
      ["boundary-synthesized", "triangle", 1],
      ["mastered-seed", "circle", 1],
    ]);
    expect(data.series[0]!.points[0]).toEqual({ x: 0.5, y: 0.25, taskId: "b1" });
    expect(data.shown).toBe(3);
    expect(prepareScatter([]).isEmpty).toBe(true);
  });
});
