// The compare page's curves of one run on the common axes (1-based steps, rollouts consumed, seconds since start)
// and its summary row, from the fields of the step series it needs (RunAggregate.curve); the arithmetic is
// server/rods/curves.ts.
import type { CurveRow } from "./monitor/step-series";
import { positionAfterSteps, stepPositions, summarizeCurves, type AxisPosition, type CurveSummary } from "../rods/curves";

export interface ComparedCurve {
  runId: string;
  /** one per finished step; `step` is 1-based (steps done) */
  steps: (AxisPosition & { informativeFraction: number | null; hard: number | null; boundary: number | null; mastered: number | null })[];
  /** one per overall held-out evaluation; `step` is the steps done when evaluated (0 = before training) */
  heldOut: (AxisPosition & { score: number; progress: number })[];
}

const sumRegion = (seed: number | null, synthesized: number | null) => (seed === null ? null : seed + (synthesized ?? 0));

export function placeCompareCurves({
  run,
  steps,
  heldOut,
}: {
  run: { id: string; startedAt: Date | null; createdAt: Date; finishedAt: Date | null };
  steps: readonly CurveRow[];
  heldOut: readonly { stepIndex: number; score: number; progress: number }[];
}): { curve: ComparedCurve; summary: CurveSummary } {
  const startedAtMs = (run.startedAt ?? run.createdAt).getTime();
  const curveSteps = steps.map((s) => ({ index: s.step, numRollouts: s.numRollouts, informativeFraction: s.informativeFraction, finishedAtMs: s.finishedAt?.getTime() ?? null }));
  const positions = stepPositions({ steps: curveSteps, startedAtMs });
  return {
    curve: {
      runId: run.id,
      // Fields written out (not spread): this runs for every step of every compared run.
      steps: steps.map((s) => {
        const at = positions.get(s.step)!;
        return {
          step: at.step,
          rollouts: at.rollouts,
          wallSeconds: at.wallSeconds,
          informativeFraction: s.informativeFraction,
        hard: sumRegion(s.seedHard, s.synthesizedHard),
        boundary: sumRegion(s.seedBoundary, s.synthesizedBoundary),
          mastered: sumRegion(s.seedMastered, s.synthesizedMastered),
        };
      }),
      heldOut: heldOut.map((h) => ({ ...positionAfterSteps(positions, h.stepIndex), score: h.score, progress: h.progress })),
    },
    summary: summarizeCurves({ steps: curveSteps, evaluations: heldOut, startedAtMs, finishedAtMs: run.finishedAt?.getTime() ?? null }),
  };
}
