import { describe, expect, it } from "vitest";
import { METRIC_COLORS } from "./colors";
import { prepareInfraFailures, prepareRegionOccupancy, prepareTokens, prepareTrainingSignals, sliderSteps, type StepSeriesInput } from "./prepare-series";

const step = (s: number, over: Partial<StepSeriesInput> = {}): StepSeriesInput => ({
  step: s,
  informativeFraction: 0.5,
  meanPhi: 0.6,
  gradConcentration: 0.2,
  seedHard: 10,
  seedBoundary: 20,
  seedMastered: 5,
  synthesizedHard: 0,
  synthesizedBoundary: 0,
  synthesizedMastered: 0,
  infraFailures: 0,
  numRollouts: 560,
  tokensIn: 12_000,
  tokensOut: 3_000,
  ...over,
});

describe("prepareTrainingSignals", () => {
  it("orders steps, keeps the three signals with fixed colours, and leaves a step without aggregates as a gap", () => {
    const chart = prepareTrainingSignals([step(2, { informativeFraction: 0.25 }), step(0), step(1, { informativeFraction: null, meanPhi: null, gradConcentration: null })]);
    expect(chart.rows.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(chart.rows[1]).toEqual({ step: 1, informativeFraction: null, meanPhi: null, gradConcentration: null });
    expect(chart.rows[2]!.informativeFraction).toBe(0.25);
    expect(chart.series.map((s) => [s.key, s.color])).toEqual([
      ["informativeFraction", METRIC_COLORS.informativeFraction],
      ["meanPhi", METRIC_COLORS.meanPhi],
      ["gradConcentration", METRIC_COLORS.gradConcentration],
    ]);
    expect(chart.isEmpty).toBe(false);
  });

  it("is empty before the first step, and when no step has aggregates", () => {
    expect(prepareTrainingSignals([]).isEmpty).toBe(true);
    expect(prepareTrainingSignals([step(0, { informativeFraction: null, meanPhi: null, gradConcentration: null })]).isEmpty).toBe(true);
  });
});

describe("prepareRegionOccupancy", () => {
  it("separates seeds and synthesized tasks, hard → boundary → mastered", () => {
    const steps = [step(0), step(1, { synthesizedBoundary: 4, synthesizedHard: 1 })];
    const seeds = prepareRegionOccupancy(steps, "seed");
    const synth = prepareRegionOccupancy(steps, "synthesized");
    expect(seeds.series.map((s) => s.key)).toEqual(["hard", "boundary", "mastered"]);
    expect(seeds.rows[1]).toEqual({ step: 1, hard: 10, boundary: 20, mastered: 5 });
    expect(synth.rows[1]).toEqual({ step: 1, hard: 1, boundary: 4, mastered: 0 });
  });

  it("shows a step without region counts as a gap and a run without synthesized tasks as empty", () => {
    const steps = [step(0), step(1, { seedHard: null, seedBoundary: null, seedMastered: null })];
    expect(prepareRegionOccupancy(steps, "seed").rows[1]).toEqual({ step: 1, hard: null, boundary: null, mastered: null });
    expect(prepareRegionOccupancy([step(0)], "synthesized").isEmpty).toBe(true);
  });
});

describe("infrastructure failures and tokens", () => {
  it("counts failures per step (zero is a value) and totals them", () => {
    const chart = prepareInfraFailures([step(0), step(1, { infraFailures: 7 })]);
    expect(chart.rows).toEqual([
      { step: 0, infraFailures: 0 },
      { step: 1, infraFailures: 7 },
    ]);
    expect(chart.total).toBe(7);
  });

  it("reports tokens per step and is empty when no step used any", () => {
    expect(prepareTokens([step(0)], { policyKind: "openai" }).rows[0]).toEqual({ step: 0, tokensIn: 12_000, tokensOut: 3_000 });
    expect(prepareTokens([step(0, { tokensIn: 0, tokensOut: 0 })], { policyKind: "openai" }).isEmpty).toBe(true);
  });

  it("marks the simulated learner's tokens as estimates (chart note and legend), and a real policy's as reported", () => {
    const simulated = prepareTokens([step(1)], { policyKind: "simulated" });
    expect(simulated.estimate).toMatch(/^estimated: the simulated learner counts tokens as characters ÷ 4/);
    expect(simulated.series.map((s) => s.label)).toEqual(["prompt tokens (estimated)", "completion tokens (estimated)"]);
    const reported = prepareTokens([step(1)], { policyKind: "openai" });
    expect(reported.estimate).toBeNull();
    expect(reported.series.map((s) => s.label)).toEqual(["prompt tokens", "completion tokens"]);
  });

  it("gives the slider each finished step once, ascending", () => {
    expect(sliderSteps([{ step: 4 }, { step: 1 }, { step: 4 }, { step: 2 }])).toEqual([1, 2, 4]);
  });
});
