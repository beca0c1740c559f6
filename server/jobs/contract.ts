// Job names and payload schemas: the one contract between those who enqueue and the worker.
// Payloads are validated on enqueue and again in the handler (old jobs outlive deploys).
import { z } from "zod";

export const JOBS = {
  importTasks: "import-tasks",
} as const;

export const ZImportTasksPayload = z.object({
  importRunId: z.string().min(1),
  dir: z.string().min(1),
  datasetName: z.string().min(1),
  origin: z.enum(["seed", "imported"]),
});
export type TImportTasksPayload = z.infer<typeof ZImportTasksPayload>;

export const JOB_PAYLOADS = {
  [JOBS.importTasks]: ZImportTasksPayload,
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];
