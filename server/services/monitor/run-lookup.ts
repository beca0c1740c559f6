// The one NOT_FOUND a monitor read answers for a missing run (each read finds the run in its own query).
import { AppError } from "../../errors";

export function runNotFound(runId: string): AppError {
  return new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
}
