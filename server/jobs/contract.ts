// Job names and payload schemas: the one contract between those who enqueue and the worker.
// Payloads are validated on enqueue and again in the handler (old jobs outlive deploys).
import { z } from "zod";

export const JOBS = {
  importTasks: "import-tasks",
  /** advances one run by one tick: plans epochs, fans out rollout groups, aggregates a finished step */
  runAdvance: "run-advance",
  /** the K rollouts of one task at one step */
  rolloutGroup: "rollout-group",
  synthesize: "synthesize",
  /** held-out evaluation of a run's policy at a step */
  evaluate: "evaluate",
} as const;

export const ZImportTasksPayload = z.object({
  importRunId: z.string().min(1),
  dir: z.string().min(1),
  datasetName: z.string().min(1),
  origin: z.enum(["seed", "imported"]),
});
export type TImportTasksPayload = z.infer<typeof ZImportTasksPayload>;

export const ZRunAdvancePayload = z.object({ runId: z.string().min(1) });
export const ZRolloutGroupPayload = z.object({ runId: z.string().min(1), stepIndex: z.number().int().min(0), taskId: z.string().min(1) });
export type TRolloutGroupPayload = z.infer<typeof ZRolloutGroupPayload>;
export const ZSynthesizePayload = z.object({ runId: z.string().min(1), attemptId: z.string().min(1) });
export const ZEvaluatePayload = z.object({ runId: z.string().min(1), stepIndex: z.number().int().min(0), epoch: z.number().int().min(0) });

export const JOB_PAYLOADS = {
  [JOBS.importTasks]: ZImportTasksPayload,
  [JOBS.runAdvance]: ZRunAdvancePayload,
  [JOBS.rolloutGroup]: ZRolloutGroupPayload,
  [JOBS.synthesize]: ZSynthesizePayload,
  [JOBS.evaluate]: ZEvaluatePayload,
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];
export type JobPayload<N extends JobName> = z.input<(typeof JOB_PAYLOADS)[N]>;

/** How services enqueue work without knowing the queue (the worker and web pass pg-boss; tests may record). */
export interface JobSender {
  send<N extends JobName>(name: N, payload: JobPayload<N>, options?: { singletonKey?: string; startAfterSeconds?: number; expireInSeconds?: number }): Promise<void>;
}
