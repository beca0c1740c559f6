// /compare: several runs' curves on common axes, their summary rows and the settings that differ.
import type { Db } from "../../db";
import { AppError } from "../../errors";
import { placeCompareCurves } from "../compare-curves";
import { getRun } from "../runs-service";
import { heldOutPoints } from "./held-out";
import { diffRunSettings } from "./settings";
import { stepSeries } from "./step-series";

export const MAX_COMPARED_RUNS = 8;

export async function compareRuns({ db, runIds }: { db: Db; runIds: readonly string[] }) {
  const ids = [...new Set(runIds)];
  if (ids.length < 1 || ids.length > MAX_COMPARED_RUNS) throw new AppError("BAD_REQUEST", `Pick between 1 and ${MAX_COMPARED_RUNS} runs to compare.`);
  const runs = await Promise.all(ids.map((id) => getRun({ db, id })));
  const placed = await Promise.all(
    runs.map(async (run) => {
      const [steps, heldOut] = await Promise.all([stepSeries(db, run.id), heldOutPoints(db, run.id, true)]);
      return placeCompareCurves({ run, steps, heldOut });
    }),
  );
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
