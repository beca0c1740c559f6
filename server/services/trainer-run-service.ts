// Trainer-driven runs (DESIGN.md §5 b): the trainer claims the work of a step (or of a held-out evaluation), rolls
// each task out itself through environment sessions or submits the calls it made, and RODS scores them with its own
// verifier. Once a step's groups are complete, the run driver aggregates and moves the pool as for RODS-driven runs.
import type { Db } from "../db";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import type { RolloutTask } from "../policies/types";
import type { TRunConfig } from "../rods/config";
import { isEvalEpoch } from "../rods/schedule";
import type { Verification } from "../envs/bfcl/verifier";
import type { ChatMessage } from "../policies/types";
import { playEpisode, type TCallInput } from "./env-episode";
import { ensureEvalRequest, evaluationRows, storeEvaluation } from "./evaluation-service";
import { resolveTask } from "./task-lookup";

type Tx = Prisma.TransactionClient | Db;

const ENDED = new Set(["completed", "cancelled", "failed"]);

export interface TrainerWorkTask {
  taskId: string;
  externalId: string;
  category: string;
  turns: number;
  /** samples of this task already stored */
  submitted: number[];
}

export interface TrainerWork {
  kind: "train" | "eval";
  step: number;
  epoch: number;
  /** rollouts wanted per task (1 for evaluation) */
  k: number;
  tasks: TrainerWorkTask[];
}

export interface ScoredSubmission {
  reward: number;
  success: boolean;
  turns: Verification["turns"];
  /** true when this (step, task, sample) was stored before: the stored score is returned, nothing is written */
  duplicate: boolean;
}

async function trainerRun(db: Db, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, status: true, config: true, currentEpoch: true, currentStep: true, datasetId: true, policyVersion: true } });
  if (!run) throw new AppError("NOT_FOUND", `No run ${runId}.`);
  const config = run.config as unknown as TRunConfig;
  if (config.rollouts !== "trainer") {
    throw new AppError("CONFLICT", `Run ${runId} rolls out with its own policy (rollouts: "rods"); create the run with rollouts: "trainer" to roll out from a trainer.`);
  }
  return { ...run, config };
}

/** The next piece of work of a trainer-driven run, or null while none is ready (the trainer asks again later). */
export async function claimWork({ db, runId }: { db: Db; runId: string }): Promise<TrainerWork | null> {
  const run = await trainerRun(db, runId);
  if (ENDED.has(run.status)) throw new AppError("CONFLICT", `Run ${runId} has ended (${run.status}); there is no more work.`);
  if (run.status !== "running") return null;
  await publishDueEvaluation({ db, run });
  const evalWork = await openEvaluation({ db, runId });
  if (evalWork) return evalWork;
  const step = await db.step.findFirst({ where: { runId, epoch: run.currentEpoch, status: "rolling" }, orderBy: { index: "asc" }, select: { index: true, epoch: true, taskIds: true } });
  if (!step) return null;
  const stored = await db.rollout.findMany({ where: { runId, stepIndex: step.index }, select: { taskId: true, sample: true }, orderBy: { sample: "asc" } });
  // Everything submitted: the driver is about to aggregate; the next step is not ready yet.
  if (stored.length >= step.taskIds.length * run.config.k) return null;
  return { kind: "train", step: step.index, epoch: step.epoch, k: run.config.k, tasks: await workTasks(db, step.taskIds, stored) };
}

// The evaluation due before the step about to be claimed is published here too, not only by the driver's job, so
// that a trainer always evaluates a policy before training it further.
async function publishDueEvaluation({ db, run }: { db: Db; run: Awaited<ReturnType<typeof trainerRun>> }) {
  const { config } = run;
  if (run.currentEpoch >= config.epochs) {
    await ensureEvalRequest({ db, runId: run.id, stepIndex: run.currentStep, epoch: config.epochs, datasetId: run.datasetId, config });
    return;
  }
  const step = await db.step.findFirst({ where: { runId: run.id, epoch: run.currentEpoch, status: { not: "done" } }, orderBy: { index: "asc" }, select: { index: true, stepInEpoch: true } });
  if (step?.stepInEpoch === 0 && isEvalEpoch({ epoch: run.currentEpoch, epochs: config.epochs, evalEveryEpochs: config.evalEveryEpochs })) {
    await ensureEvalRequest({ db, runId: run.id, stepIndex: step.index, epoch: run.currentEpoch, datasetId: run.datasetId, config });
  }
}

async function openEvaluation({ db, runId }: { db: Db; runId: string }): Promise<TrainerWork | null> {
  const requests = await db.evalRequest.findMany({ where: { runId }, orderBy: { stepIndex: "asc" }, select: { id: true, stepIndex: true, epoch: true, taskIds: true } });
  for (const request of requests) {
    if ((await db.evaluation.count({ where: { runId, stepIndex: request.stepIndex } })) > 0) continue;
    const stored = await db.evalRollout.findMany({ where: { requestId: request.id }, select: { taskId: true } });
    if (stored.length >= request.taskIds.length) continue;
    return { kind: "eval", step: request.stepIndex, epoch: request.epoch, k: 1, tasks: await workTasks(db, request.taskIds, stored.map((s) => ({ ...s, sample: 0 }))) };
  }
  return null;
}

async function workTasks(db: Db, taskIds: string[], stored: { taskId: string; sample: number }[]): Promise<TrainerWorkTask[]> {
  const rows = await db.task.findMany({ where: { id: { in: taskIds } }, select: { id: true, externalId: true, category: true, numTurns: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const samples = new Map<string, number[]>();
  for (const s of stored) samples.set(s.taskId, [...(samples.get(s.taskId) ?? []), s.sample]);
  return taskIds.map((id) => {
    const row = byId.get(id)!;
    return { taskId: id, externalId: row.externalId, category: row.category, turns: row.numTurns, submitted: samples.get(id) ?? [] };
  });
}

export type TrainerSlot = { kind: "train"; runId: string; stepIndex: number; taskId: string; sample: number; policyVersion: number } | { kind: "eval"; runId: string; stepIndex: number; taskId: string; requestId: string };

/** Checks that (step, task, sample) is work the trainer may do now; CONFLICT for a task outside the claimed step. */
export async function claimedSlot({ db, runId, stepIndex, taskId, sample }: { db: Db; runId: string; stepIndex: number; taskId: string; sample: number }): Promise<TrainerSlot> {
  const run = await trainerRun(db, runId);
  if (ENDED.has(run.status)) throw new AppError("CONFLICT", `Run ${runId} has ended (${run.status}); it takes no more rollouts.`);
  const request = await db.evalRequest.findUnique({ where: { runId_stepIndex: { runId, stepIndex } }, select: { id: true, taskIds: true } });
  if (request?.taskIds.includes(taskId)) {
    if (sample !== 0) throw new AppError("BAD_REQUEST", `Held-out evaluation takes one rollout per task: send sample 0, not ${sample}.`);
    return { kind: "eval", runId, stepIndex, taskId, requestId: request.id };
  }
  const step = await db.step.findUnique({ where: { runId_index: { runId, index: stepIndex } }, select: { status: true, taskIds: true } });
  if (!step || !step.taskIds.includes(taskId)) {
    throw new AppError("CONFLICT", `Task ${taskId} is not in step ${stepIndex} of run ${runId}; claim work with POST /api/v1/runs/${runId}/batches/claim and roll out only its tasks.`);
  }
  if (sample < 0 || sample >= run.config.k) throw new AppError("BAD_REQUEST", `sample must be 0..${run.config.k - 1} (the run's K is ${run.config.k}); got ${sample}.`);
  if (step.status !== "rolling") {
    throw new AppError("CONFLICT", step.status === "done" ? `Step ${stepIndex} of run ${runId} is finished; claim the next work.` : `Step ${stepIndex} of run ${runId} has not been handed out yet; claim work first.`);
  }
  return { kind: "train", runId, stepIndex, taskId, sample, policyVersion: run.policyVersion };
}

/** The stored score of a slot, when it was submitted before. */
export async function storedSubmission({ db, runId, stepIndex, taskId, sample }: { db: Tx; runId: string; stepIndex: number; taskId: string; sample: number }): Promise<ScoredSubmission | null> {
  const rollout = await db.rollout.findUnique({ where: { runId_stepIndex_taskId_sample: { runId, stepIndex, taskId, sample } }, select: { reward: true, success: true, turnResults: true } });
  if (rollout) return { reward: rollout.reward ?? 0, success: rollout.success === true, turns: (rollout.turnResults ?? []) as unknown as Verification["turns"], duplicate: true };
  if (sample !== 0) return null;
  const evalRollout = await db.evalRollout.findFirst({ where: { taskId, request: { runId, stepIndex } }, select: { reward: true, success: true, turnResults: true } });
  if (evalRollout) return { reward: evalRollout.reward, success: evalRollout.success, turns: (evalRollout.turnResults ?? []) as unknown as Verification["turns"], duplicate: true };
  return null;
}

/** Stores a scored rollout in its slot (once); completes a held-out evaluation when its last task arrives. */
export async function recordTrainerRollout({ db, slot, messages, verdict }: { db: Db; slot: TrainerSlot; messages: ChatMessage[]; verdict: Verification }): Promise<ScoredSubmission> {
  const scored = { reward: verdict.progressReward, success: verdict.success, turns: verdict.turns };
  const common = { messages: messages as unknown as Prisma.InputJsonValue, turnResults: verdict.turns as unknown as Prisma.InputJsonValue, reward: verdict.progressReward, success: verdict.success };
  if (slot.kind === "train") {
    const created = await db.rollout.createMany({
      data: [{ runId: slot.runId, stepIndex: slot.stepIndex, taskId: slot.taskId, sample: slot.sample, policyVersion: slot.policyVersion, ...common }],
      skipDuplicates: true,
    });
    if (created.count === 0) return (await storedSubmission({ db, ...slot }))!;
    return { ...scored, duplicate: false };
  }
  const created = await db.evalRollout.createMany({ data: [{ requestId: slot.requestId, taskId: slot.taskId, ...common }], skipDuplicates: true });
  if (created.count === 0) return (await storedSubmission({ db, ...slot, sample: 0 }))!;
  await completeEvaluation({ db, requestId: slot.requestId });
  return { ...scored, duplicate: false };
}

async function completeEvaluation({ db, requestId }: { db: Db; requestId: string }) {
  const request = await db.evalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { runId: true, stepIndex: true, epoch: true, taskIds: true } });
  const rollouts = await db.evalRollout.findMany({ where: { requestId }, select: { taskId: true, reward: true, success: true } });
  if (rollouts.length < request.taskIds.length) return;
  const tasks = await db.task.findMany({ where: { id: { in: request.taskIds } }, select: { id: true, category: true } });
  const categoryOf = new Map(tasks.map((t) => [t.id, t.category]));
  const rows = evaluationRows(rollouts.map((r) => ({ category: categoryOf.get(r.taskId) ?? "unknown", reward: r.reward, success: r.success })));
  await storeEvaluation({ db, runId: request.runId, stepIndex: request.stepIndex, epoch: request.epoch, rows });
}

/**
 * A rollout the trainer made on its own: RODS replays the calls and scores them itself (the trainer need not trust
 * its verifier). The same (step, task, sample) twice answers the stored score and writes nothing.
 */
export async function submitRollout({ db, runId, stepIndex, taskId: taskRef, sample, turns }: { db: Db; runId: string; stepIndex: number; taskId: string; sample: number; turns: TCallInput[][] }): Promise<ScoredSubmission> {
  const task: RolloutTask = await resolveTask({ db, taskId: taskRef });
  await trainerRun(db, runId);
  const previous = await storedSubmission({ db, runId, stepIndex, taskId: task.id, sample });
  if (previous) return previous;
  const slot = await claimedSlot({ db, runId, stepIndex, taskId: task.id, sample });
  if (turns.length > task.turns.length) throw new AppError("BAD_REQUEST", `Task ${taskRef} has ${task.turns.length} user turns; the rollout has ${turns.length}.`);
  const { verdict, messages } = playEpisode(task, turns);
  return recordTrainerRollout({ db, slot, messages, verdict });
}
