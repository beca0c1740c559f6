import { describe, expect, it } from "vitest";
import { REGION_COLORS } from "./colors";
import { prepareLanding } from "./prepare-landing";

const base = {
  histogram: { min: 0, max: 1, counts: [2, 0, 3, 5, 0] },
  injected: 12,
  unobserved: 2,
  hard: 2,
  boundary: 8,
  mastered: 0,
  belowBurnIn: 2,
  thresholds: { alphaMinus: 0.2, alphaPlus: 0.85, burnInThreshold: 0.2 },
};

describe("prepareLanding", () => {
  it("draws the boundary band and burn-in line, bars coloured by the region they fall in", () => {
    const data = prepareLanding(base);
    expect(data.band).toEqual({ x1: 0.2, x2: 0.85, color: REGION_COLORS.boundary });
    expect(data.burnIn).toBe(0.2);
    expect(data.lines.map((l) => l.label)).toEqual(["α− · burn-in 0.2", "α+ 0.85"]);
    expect(data.histogram.bins.map((b) => b.color)).toEqual([REGION_COLORS.hard, REGION_COLORS.boundary, REGION_COLORS.boundary, REGION_COLORS.boundary, REGION_COLORS.mastered]);
  });

  it("reports the share landing in the band among observed tasks only", () => {
    const data = prepareLanding(base);
    expect(data.observed).toBe(10);
    expect(data.inBandShare).toBe(0.8);
    expect(data.summary).toContain("8 in the boundary band (80 %)");
    expect(data.summary).toContain("2 not rolled out yet");
  });

  it("is empty before any injected task was observed", () => {
    const data = prepareLanding({ ...base, histogram: { min: 0, max: 1, counts: [0, 0] }, injected: 0, unobserved: 0, hard: 0, boundary: 0, belowBurnIn: 0 });
    expect(data.isEmpty).toBe(true);
    expect(data.inBandShare).toBeNull();
    expect(data.summary).toBe("No synthesized task has entered the pool yet.");
  });
});
