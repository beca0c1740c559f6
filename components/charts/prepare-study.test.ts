import { describe, expect, it } from "vitest";
import { prepareStudyCurves } from "./prepare-study";

describe("prepareStudyCurves", () => {
  it("gives each mode a mean line and a ±sd band, with gaps where a mode has no value", () => {
    const data = prepareStudyCurves(
      {
        modes: ["static", "rods"],
        curves: [
          { mode: "static", informative: [{ step: 1, mean: 0.9, low: 0.8, high: 1, n: 3 }, { step: 2, mean: 0.7, low: 0.6, high: 0.8, n: 3 }], reward: [] },
          { mode: "rods", informative: [{ step: 1, mean: 0.95, low: 0.95, high: 0.95, n: 1 }], reward: [] },
        ],
      },
      "informative",
    );
    expect(data.series.map((s) => [s.key, s.bandKey])).toEqual([["static", "static__band"], ["rods", "rods__band"]]);
    expect(data.series[0]!.color).not.toBe(data.series[1]!.color);
    expect(data.rows).toEqual([
      { step: 1, static: 0.9, static__band: [0.8, 1], rods: 0.95, rods__band: [0.95, 0.95] },
      { step: 2, static: 0.7, static__band: [0.6, 0.8], rods: null, rods__band: null },
    ]);
    expect(data.isEmpty).toBe(false);
  });

  it("is empty before any run finished a step", () => {
    expect(prepareStudyCurves({ modes: ["rods"], curves: [{ mode: "rods", informative: [], reward: [] }] }, "reward").isEmpty).toBe(true);
  });
});
