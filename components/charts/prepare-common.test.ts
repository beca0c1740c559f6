import { describe, expect, it } from "vitest";
import { finiteOrNull, lastValue, rowsByStep } from "./prepare-common";

describe("rowsByStep", () => {
  it("sorts by step, and fills a missing step with nulls so the line breaks there", () => {
    const rows = rowsByStep(
      [
        { step: 3, values: { a: 0.3 } },
        { step: 0, values: { a: 0 } },
        { step: 1, values: { a: 0.1 } },
      ],
      ["a"],
    );
    expect(rows).toEqual([
      { step: 0, a: 0 },
      { step: 1, a: 0.1 },
      { step: 2, a: null },
      { step: 3, a: 0.3 },
    ]);
  });

  it("keeps zero as zero and turns null, NaN and Infinity into gaps", () => {
    const rows = rowsByStep([{ step: 0, values: { a: 0, b: null, c: Number.NaN, d: Infinity } }], ["a", "b", "c", "d", "e"]);
    expect(rows[0]).toEqual({ step: 0, a: 0, b: null, c: null, d: null, e: null });
  });

  it("merges values reported for the same step, and can leave gaps out", () => {
    const rows = rowsByStep(
      [
        { step: 10, values: { a: 1 } },
        { step: 10, values: { b: 2 } },
        { step: 20, values: { a: 3 } },
      ],
      ["a", "b"],
      false,
    );
    expect(rows).toEqual([
      { step: 10, a: 1, b: 2 },
      { step: 20, a: 3, b: null },
    ]);
  });

  it("returns no rows for no points, and the last value skips trailing gaps", () => {
    expect(rowsByStep([], ["a"])).toEqual([]);
    expect(lastValue([{ step: 0, a: 0.4 }, { step: 1, a: null }], "a")).toBe(0.4);
    expect(finiteOrNull("0.5")).toBeNull();
  });
});
