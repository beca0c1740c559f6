import { describe, expect, it } from "vitest";
import { REGION_COLORS, RUN_COLORS } from "./colors";
import { prepareCompare, type CompareInput, type CompareSummaryIn } from "./prepare-compare";

const summary = (finalHeldOut: number | null): CompareSummaryIn => ({
  steps: 3,
  rollouts: 480,
  finalHeldOut,
  finalHeldOutStep: 3,
  bestHeldOut: finalHeldOut,
  bestHeldOutStep: 3,
  informativeAuc: 2,
  informativeMean: 2 / 3,
  wallSeconds: 30,
});

// Run b (picked first) was evaluated after 0, 1, 2 and 3 steps, run a only after 0 and 3: different steps.
const input: CompareInput = {
  runs: [
    { id: "b", name: "rods run", mode: "rods", status: "completed", summary: summary(0.5) },
    { id: "a", name: "static run", mode: "static", status: "running", summary: summary(0.4) },
  ],
  curves: [
    {
      runId: "a",
      steps: [
        { step: 1, rollouts: 100, wallSeconds: 5, informativeFraction: 0.6, hard: 10, boundary: 20, mastered: 10 },
        { step: 3, rollouts: 300, wallSeconds: 15, informativeFraction: 0.5, hard: 10, boundary: 20, mastered: 10 },
      ],
      heldOut: [
        { step: 0, rollouts: 0, wallSeconds: 0, score: 0.2, progress: 0.4 },
        { step: 3, rollouts: 300, wallSeconds: 15, score: 0.4, progress: 0.5 },
      ],
    },
    {
      runId: "b",
      steps: [
        { step: 1, rollouts: 160, wallSeconds: 4, informativeFraction: 0.7, hard: 5, boundary: 10, mastered: 5 },
        { step: 2, rollouts: 320, wallSeconds: 8, informativeFraction: 0.65, hard: null, boundary: null, mastered: null },
        { step: 3, rollouts: 480, wallSeconds: null, informativeFraction: 0.6, hard: 2, boundary: 2, mastered: 4 },
      ],
      heldOut: [
        { step: 0, rollouts: 0, wallSeconds: 0, score: 0.21, progress: 0.4 },
        { step: 1, rollouts: 160, wallSeconds: 4, score: 0.3, progress: 0.5 },
        { step: 2, rollouts: 320, wallSeconds: 8, score: 0.35, progress: 0.5 },
        { step: 3, rollouts: 480, wallSeconds: null, score: 0.5, progress: 0.6 },
      ],
    },
  ],
  settings: [{ key: "mode", label: "mode", values: ["rods", "static"] }],
};

describe("prepareCompare", () => {
  it("colours runs in the order they were picked and overlays their informative fraction by 1-based step, gaps kept", () => {
    const c = prepareCompare(input);
    expect(c.runs.map((r) => [r.id, r.color])).toEqual([
      ["b", RUN_COLORS[0]],
      ["a", RUN_COLORS[1]],
    ]);
    expect(c.informativeFraction.rows).toEqual([
      { step: 1, run_0: 0.7, run_1: 0.6 },
      { step: 2, run_0: 0.65, run_1: null },
      { step: 3, run_0: 0.6, run_1: 0.5 },
    ]);
    expect(c.informativeFraction.connectNulls).toBe(false);
    expect(c.xLabel).toBe("step (policy updates)");
  });

  it("keeps each run's held-out line continuous when the runs were evaluated at different steps", () => {
    const c = prepareCompare(input);
    expect(c.heldOut.rows.map((r) => [r.step, r.run_0, r.run_1])).toEqual([
      [0, 0.21, 0.2],
      [1, 0.3, null],
      [2, 0.35, null],
      [3, 0.5, 0.4],
    ]);
    // the static run's points at steps 0 and 3 are joined across the rows where only the other run was evaluated
    expect(c.heldOut.connectNulls).toBe(true);
  });

  it("puts the runs on rollouts consumed, each at its own x, joining its own points", () => {
    const c = prepareCompare(input, "rollouts");
    expect(c.informativeFraction.rows.map((r) => r.step)).toEqual([100, 160, 300, 320, 480]);
    expect(c.informativeFraction.rows.find((r) => r.step === 300)).toMatchObject({ run_0: null, run_1: 0.5 });
    expect(c.informativeFraction.connectNulls).toBe(true);
    expect(c.heldOut.rows.at(-1)).toMatchObject({ step: 480, run_0: 0.5 });
    expect(c.xDomain).toEqual([0, 480]);
  });

  it("names the runs whose step times are unknown on the wall-clock axis", () => {
    const c = prepareCompare(input, "wall");
    expect(c.missingX).toEqual(["rods run"]);
    expect(c.heldOut.rows.map((r) => r.step)).toEqual([0, 4, 8, 15]);
  });

  it("draws region occupancy as one panel per run, shares of the step's tasks in region colours", () => {
    const c = prepareCompare(input);
    expect(c.regionPanels.map((p) => p.run.id)).toEqual(["b", "a"]);
    const [b, a] = c.regionPanels;
    expect(b!.data.rows[0]).toMatchObject({ step: 1, hard: 0.25, boundary: 0.5, mastered: 0.25 });
    expect(b!.data.rows[1]).toMatchObject({ step: 2, hard: null, boundary: null });
    expect(a!.data.rows.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(b!.data.series.map((s) => s.color)).toEqual([REGION_COLORS.hard, REGION_COLORS.boundary, REGION_COLORS.mastered]);
  });

  it("summarises each run with the difference of its final held-out score to the first run's", () => {
    const c = prepareCompare(input);
    expect(c.summary.map((s) => [s.run.id, s.finalHeldOut, s.diffToFirst])).toEqual([
      ["b", 0.5, null],
      ["a", 0.4, expect.closeTo(-0.1, 10)],
    ]);
  });

  it("passes the differing settings through, one value per run", () => {
    expect(prepareCompare(input).settings).toEqual([{ key: "mode", label: "mode", values: ["rods", "static"] }]);
  });

  it("is empty for runs without steps", () => {
    const c = prepareCompare({ ...input, curves: [] });
    expect(c.informativeFraction.isEmpty).toBe(true);
    expect(c.heldOut.isEmpty).toBe(true);
    expect(c.regionPanels.every((p) => p.data.isEmpty)).toBe(true);
    expect(c.xDomain).toBeNull();
  });
});
