// The compare page's curves of one run on the common axes (1-based steps, rollouts consumed, seconds since start)
// and its summary row, from the fields of the step series it needs (RunAggregate.curve); the arithmetic is
// server/rods/curves.ts.
import type { CurveColumns } from "./monitor/step-series";
import { positionAfterSteps, stepPositions, summarizeCurves, type AxisPosition, type CurveStep, type CurveSummary } from "../rods/curves";

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
  curve,
  heldOut,
}: {
  run: { id: string; startedAt: Date | null; createdAt: Date; finishedAt: Date | null };
  /** the run's finished steps, column-wise (RunAggregate.curve) */
  curve: CurveColumns;
  heldOut: readonly { stepIndex: number; score: number; progress: number }[];
}): { curve: ComparedCurve; summary: CurveSummary } {
  const startedAtMs = (run.startedAt ?? run.createdAt).getTime();
  const n = curve.step.length;
  // Loops over the columns, fields written out: this runs for every step of every compared run.
  const curveSteps: CurveStep[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const finishedAtMs = curve.finishedAtMs[i]!;
    curveSteps[i] = { index: curve.step[i]!, numRollouts: curve.numRollouts[i]!, informativeFraction: curve.informativeFraction[i]!, finishedAtMs: finishedAtMs === null ? null : Math.round(finishedAtMs) };
  }
  const positions = stepPositions({ steps: curveSteps, startedAtMs });
  const steps: ComparedCurve["steps"] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = positions.get(curve.step[i]!)!;
    steps[i] = {
      step: at.step,
      rollouts: at.rollouts,
      wallSeconds: at.wallSeconds,
      informativeFraction: curve.informativeFraction[i]!,
      hard: sumRegion(curve.seedHard[i]!, curve.synthesizedHard[i]!),
      boundary: sumRegion(curve.seedBoundary[i]!, curve.synthesizedBoundary[i]!),
      mastered: sumRegion(curve.seedMastered[i]!, curve.synthesizedMastered[i]!),
    };
  }
  return {
    curve: { runId: run.id, steps, heldOut: heldOut.map((h) => ({ ...positionAfterSteps(positions, h.stepIndex), score: h.score, progress: h.progress })) },
    summary: summarizeCurves({ steps: curveSteps, evaluations: heldOut, startedAtMs, finishedAtMs: run.finishedAt?.getTime() ?? null }),
  };
}
