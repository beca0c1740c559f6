// /compare: several runs' curves on common axes, their summary rows and the settings that differ. Three queries
// whatever the number of runs (the runs, their finished steps, their overall held-out points), sent together.
import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { TRunConfig } from "../../rods/config";
import { redactConfigUrls } from "../../rods/endpoint";
import { placeCompareCurves } from "../compare-curves";
import { overallHeldOutOf } from "./held-out";
import { runNotFound } from "./run-lookup";
import { diffRunSettings } from "./settings";
import { stepSeriesOf } from "./step-series";

export const MAX_COMPARED_RUNS = 8;

export async function compareRuns({ db, runIds }: { db: Db; runIds: readonly string[] }) {
  const ids = [...new Set(runIds)];
  if (ids.length < 1 || ids.length > MAX_COMPARED_RUNS) throw new AppError("BAD_REQUEST", `Pick between 1 and ${MAX_COMPARED_RUNS} runs to compare.`);
  const [found, stepsOf, heldOutOf] = await Promise.all([
    db.run.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, mode: true, status: true, config: true, currentStep: true, totalSteps: true, createdAt: true, startedAt: true, finishedAt: true },
    }),
    stepSeriesOf(db, ids),
    overallHeldOutOf(db, ids),
  ]);
  const byId = new Map(found.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw runNotFound(missing);
  // Configs stored before credentials in URLs were refused are shown without them (as runs-service's getRun does).
  const runs = ids.map((id) => {
    const r = byId.get(id)!;
    return { ...r, config: redactConfigUrls(r.config as unknown as TRunConfig) };
  });
  const placed = runs.map((run) => placeCompareCurves({ run, steps: stepsOf.get(run.id)!, heldOut: heldOutOf.get(run.id)! }));
  return {
    runs: runs.map((r, i) => ({
      id: r.id,
      name: r.name,
      mode: r.mode,
      status: r.status,
      stepsDone: r.currentStep,
      totalSteps: r.totalSteps,
      createdAt: r.createdAt,
      summary: placed[i]!.summary,
    })),
    curves: placed.map((p) => p.curve),
    settings: diffRunSettings(runs.map((r) => r.config)),
  };
}

export type RunComparison = Awaited<ReturnType<typeof compareRuns>>;
