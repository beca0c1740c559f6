// What a run's curves add up to, for the compare table (and any table of runs): final and best held-out score,
// the area under the informative-fraction curve, rollouts and wall time. Pure; times are handed in as epoch ms.

export interface CurveStep {
  /** 0-based Step.index */
  index: number;
  numRollouts: number;
  informativeFraction: number | null;
  /** epoch ms; null while unknown */
  finishedAtMs: number | null;
}

export interface CurveEvaluation {
  /** steps done when the policy was evaluated (0 = before training) */
  stepIndex: number;
  score: number;
}

export interface CurveSummary {
  steps: number;
  rollouts: number;
  finalHeldOut: number | null;
  /** steps done at the final evaluation */
  finalHeldOutStep: number | null;
  bestHeldOut: number | null;
  bestHeldOutStep: number | null;
  /** Σ informative fraction over finished steps: area under the curve with one unit per step */
  informativeAuc: number;
  /** informativeAuc / steps: the mean informative fraction (null without steps) */
  informativeMean: number | null;
  wallSeconds: number | null;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Area under the informative-fraction curve, one unit per step; a step without a value adds nothing. */
export function informativeAuc(values: readonly (number | null)[]): number {
  return values.reduce<number>((sum, v) => sum + (isFiniteNumber(v) ? v : 0), 0);
}

export function summarizeCurves({
  steps,
  evaluations,
  startedAtMs,
  finishedAtMs,
}: {
  steps: readonly CurveStep[];
  evaluations: readonly CurveEvaluation[];
  startedAtMs: number | null;
  /** the run's end; null while it runs (then the newest step's end counts) */
  finishedAtMs: number | null;
}): CurveSummary {
  const ordered = [...evaluations].filter((e) => isFiniteNumber(e.score)).sort((a, b) => a.stepIndex - b.stepIndex);
  const final = ordered.at(-1) ?? null;
  // Ties go to the earliest evaluation: reaching the score sooner is the stronger claim.
  const best = ordered.reduce<CurveEvaluation | null>((b, e) => (b === null || e.score > b.score ? e : b), null);
  const auc = informativeAuc(steps.map((s) => s.informativeFraction));
  const lastStepEnd = steps.reduce<number | null>((m, s) => (s.finishedAtMs === null ? m : Math.max(m ?? s.finishedAtMs, s.finishedAtMs)), null);
  const end = finishedAtMs ?? lastStepEnd;
  return {
    steps: steps.length,
    rollouts: steps.reduce((n, s) => n + s.numRollouts, 0),
    finalHeldOut: final?.score ?? null,
    finalHeldOutStep: final?.stepIndex ?? null,
    bestHeldOut: best?.score ?? null,
    bestHeldOutStep: best?.stepIndex ?? null,
    informativeAuc: auc,
    informativeMean: steps.length ? auc / steps.length : null,
    wallSeconds: startedAtMs !== null && end !== null && end >= startedAtMs ? (end - startedAtMs) / 1000 : null,
  };
}

export type CompareAxis = "step" | "rollouts" | "wall";

/** Where a point sits on each common axis. */
export interface AxisPosition {
  /** steps done, 1-based: step 1 is the first policy update */
  step: number;
  /** rollouts consumed through this point */
  rollouts: number;
  /** seconds since the run started; null when a time is unknown */
  wallSeconds: number | null;
}

/** Each finished step's position on the three axes, keyed by its 0-based Step.index. */
export function stepPositions({ steps, startedAtMs }: { steps: readonly CurveStep[]; startedAtMs: number | null }): Map<number, AxisPosition> {
  const out = new Map<number, AxisPosition>();
  let rollouts = 0;
  for (const s of [...steps].sort((a, b) => a.index - b.index)) {
    rollouts += s.numRollouts;
    const wallSeconds = startedAtMs !== null && s.finishedAtMs !== null ? Math.max(0, (s.finishedAtMs - startedAtMs) / 1000) : null;
    out.set(s.index, { step: s.index + 1, rollouts, wallSeconds });
  }
  return out;
}

/** Position of "after n steps" (an evaluation's stepIndex): the origin before training, else the n-th step's. */
export function positionAfterSteps(positions: ReadonlyMap<number, AxisPosition>, stepsDone: number): AxisPosition {
  if (stepsDone <= 0) return { step: 0, rollouts: 0, wallSeconds: 0 };
  return positions.get(stepsDone - 1) ?? { step: stepsDone, rollouts: NaN, wallSeconds: null };
}
