// The run row every monitor read starts from, and the one NOT_FOUND message for a missing run.
import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { TRunConfig } from "../../rods/config";

export interface MonitoredRun {
  config: TRunConfig;
  currentEpoch: number;
  /** steps finished so far (the driver sets it when a step closes) */
  currentStep: number;
  mode: string;
}

export function runNotFound(runId: string): AppError {
  return new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
}

export async function findMonitoredRun({ db, runId }: { db: Db; runId: string }): Promise<MonitoredRun> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { config: true, currentEpoch: true, currentStep: true, mode: true } });
  if (!run) throw runNotFound(runId);
  return { config: run.config as unknown as TRunConfig, currentEpoch: run.currentEpoch, currentStep: run.currentStep, mode: run.mode };
}
