import { describe, expect, it } from "vitest";
import { informativeAuc, positionAfterSteps, stepPositions, summarizeCurves, type CurveStep } from "./curves";

const t0 = Date.UTC(2026, 0, 1);
const steps: CurveStep[] = [
  { index: 0, numRollouts: 160, informativeFraction: 0.9, finishedAtMs: t0 + 10_000 },
  { index: 1, numRollouts: 160, informativeFraction: null, finishedAtMs: t0 + 25_000 },
  { index: 2, numRollouts: 128, informativeFraction: 0.5, finishedAtMs: t0 + 30_000 },
];

describe("summarizeCurves", () => {
  it("takes the newest evaluation as final and the highest (earliest on ties) as best", () => {
    const s = summarizeCurves({
      steps,
      evaluations: [
        { stepIndex: 3, score: 0.4 },
        { stepIndex: 0, score: 0.2 },
        { stepIndex: 2, score: 0.45 },
        { stepIndex: 1, score: 0.45 },
      ],
      startedAtMs: t0,
      finishedAtMs: t0 + 40_000,
    });
    expect(s).toMatchObject({ steps: 3, rollouts: 448, finalHeldOut: 0.4, finalHeldOutStep: 3, bestHeldOut: 0.45, bestHeldOutStep: 1, wallSeconds: 40 });
    expect(s.informativeAuc).toBeCloseTo(1.4);
    expect(s.informativeMean).toBeCloseTo(1.4 / 3);
  });

  it("has no held-out figures before an evaluation and measures a live run to its newest step", () => {
    const s = summarizeCurves({ steps, evaluations: [], startedAtMs: t0, finishedAtMs: null });
    expect(s.finalHeldOut).toBeNull();
    expect(s.bestHeldOut).toBeNull();
    expect(s.wallSeconds).toBe(30);
  });

  it("is empty but defined for a run without steps", () => {
    expect(summarizeCurves({ steps: [], evaluations: [], startedAtMs: null, finishedAtMs: null })).toMatchObject({ steps: 0, rollouts: 0, informativeAuc: 0, informativeMean: null, wallSeconds: null });
  });
});

describe("informativeAuc", () => {
  it("adds one unit per step and skips missing values", () => {
    expect(informativeAuc([0.5, null, 0.25, Number.NaN])).toBe(0.75);
  });
});

describe("stepPositions", () => {
  it("numbers steps from 1 and accumulates rollouts and seconds since the start", () => {
    const p = stepPositions({ steps: [...steps].reverse(), startedAtMs: t0 });
    expect(p.get(0)).toEqual({ step: 1, rollouts: 160, wallSeconds: 10 });
    expect(p.get(2)).toEqual({ step: 3, rollouts: 448, wallSeconds: 30 });
  });

  it("puts an evaluation after n steps at the n-th step's position, and the initial one at the origin", () => {
    const p = stepPositions({ steps, startedAtMs: t0 });
    expect(positionAfterSteps(p, 0)).toEqual({ step: 0, rollouts: 0, wallSeconds: 0 });
    expect(positionAfterSteps(p, 2)).toEqual({ step: 2, rollouts: 320, wallSeconds: 25 });
  });
});
