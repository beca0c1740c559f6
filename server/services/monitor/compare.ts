// /compare: several runs' curves on common axes, their summary rows and the settings that differ.
// One query whatever the number of runs.
import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { RunMode, RunStatus } from "../../generated/prisma/enums";
import type { TRunConfig } from "../../rods/config";
import { redactConfigUrls } from "../../rods/endpoint";
import { placeCompareCurves } from "../compare-curves";
import { runNotFound } from "./run-lookup";
import { diffRunSettings } from "./settings";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, type Freshness } from "./run-aggregate";
import type { CurveColumns } from "./step-series";

export const MAX_COMPARED_RUNS = 8;

interface CompareRow extends Freshness {
  name: string;
  mode: RunMode;
  status: RunStatus;
  config: TRunConfig;
  totalSteps: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  curve: CurveColumns;
  heldOut: { stepIndex: number; score: number; progress: number }[];
}

export async function compareRuns({ db, runIds }: { db: Db; runIds: readonly string[] }) {
  const ids = [...new Set(runIds)];
  if (ids.length < 1 || ids.length > MAX_COMPARED_RUNS) throw new AppError("BAD_REQUEST", `Pick between 1 and ${MAX_COMPARED_RUNS} runs to compare.`);
  // One query: each run with its stored curve (the series' fields /compare reads) and overall held-out points (RunAggregate).
  const found = await readFresh(
    db,
    () => db.$queryRaw<CompareRow[]>`
      SELECT ${FRESHNESS_COLUMNS}, r.name, r.mode, r.status, r.config, r."totalSteps", r."createdAt", r."startedAt", r."finishedAt", a.curve, a."heldOut"
      FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ANY(${ids}::text[])`,
  );
  const byId = new Map(found.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw runNotFound(missing);
  // Configs stored before credentials in URLs were refused are shown without them (as runs-service's getRun does).
  const runs = ids.map((id) => {
    const r = byId.get(id)!;
    r.config = redactConfigUrls(r.config);
    return r;
  });
  const placed = runs.map((run) =>
    placeCompareCurves({
      run,
      curve: run.curve,
      heldOut: run.heldOut,
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
