// The trainer seam with RODS driving (DESIGN.md §5 a): with `trainer: "external"`, a scored step is published as a
// batch; an external trainer long-polls the oldest unacknowledged batch, trains, and acknowledges it with its new
// policy version. The driver holds step s + 1 + maxPolicyLag back until step s is acknowledged (trainerGate), and
// held-out evaluation runs after the ack of an epoch's last step, so it scores the acknowledged version.
import type { Db } from "../db";
import { AppError } from "../errors";
import { bfclTools } from "../envs/bfcl/bfcl-env";
import type { Prisma } from "../generated/prisma/client";
import { JOBS, type JobSender } from "../jobs/contract";
import { modeFlags, type TRunConfig } from "../rods/config";
import { grpoAdvantages, rewardOf } from "../rods/stats";
import { isEvalEpoch } from "../rods/schedule";
import type { TokenInfo } from "../policies/openai/token-info";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, readFresh, refreshRunAggregateInTx, type Freshness } from "./monitor/run-aggregate";

/** Longest long poll; a trainer polls again after a 204. */
export const MAX_WAIT_SECONDS = 60;
const POLL_INTERVAL_MS = 250;

export const isExternalTrainer = (config: TRunConfig) => config.trainer === "external";

/**
 * Whether the driver may start rolling out step `stepIndex` (or, with `stepIndex: null`, finish the run): not
 * before step stepIndex − 1 − maxPolicyLag is acknowledged (to finish: every step). Records since when a run
 * waits, so the monitor and the runs list can say so, and clears it once the run may go on.
 */
export async function trainerGate({ db, runId, config, stepIndex }: { db: Db; runId: string; config: TRunConfig; stepIndex: number | null }): Promise<"go" | "wait"> {
  if (!isExternalTrainer(config)) return "go";
  if (!(await trainerAllows({ db, runId, config, stepIndex }))) {
    await db.run.updateMany({ where: { id: runId, trainerWaitingSince: null }, data: { trainerWaitingSince: new Date() } });
    return "wait";
  }
  await db.run.updateMany({ where: { id: runId, trainerWaitingSince: { not: null } }, data: { trainerWaitingSince: null } });
  return "go";
}

/** The same rule without recording anything (for rolling a step ahead early). */
export async function trainerAllows({ db, runId, config, stepIndex }: { db: Db; runId: string; config: TRunConfig; stepIndex: number | null }): Promise<boolean> {
  if (!isExternalTrainer(config)) return true;
  const mustBeAckedUpTo = stepIndex === null ? null : stepIndex - 1 - config.maxPolicyLag;
  if (mustBeAckedUpTo !== null && mustBeAckedUpTo < 0) return true;
  const blocking = await db.step.count({ where: { runId, ackedAt: null, ...(mustBeAckedUpTo === null ? {} : { index: { lte: mustBeAckedUpTo } }) } });
  return blocking === 0;
}

async function externalRun({ db, runId }: { db: Db; runId: string }) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, status: true, config: true, policyVersion: true } });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}".`);
  const config = run.config as unknown as TRunConfig;
  if (!isExternalTrainer(config)) {
    throw new AppError("CONFLICT", `Run "${runId}" trains with the builtin trainer; create the run with "trainer": "external" to train it over this API.`);
  }
  return { ...run, config };
}

export interface BatchRollout {
  sample: number;
  policyVersion: number;
  messages: { role: "system" | "user" | "assistant" | "tool"; [key: string]: unknown }[];
  reward: number | null;
  advantage: number | null;
  success: boolean | null;
  infraError: string | null;
  /** per assistant message, what the inference server returned of its tokens (only when it returned any) */
  tokens?: TokenInfo[];
}

export interface Batch {
  runId: string;
  step: number;
  epoch: number;
  policyVersion: number;
  publishedAt: string;
  groups: { taskId: string; category: string; origin: string; tools: { type: "function"; [key: string]: unknown }[]; rollouts: BatchRollout[] }[];
}

/** The openai policy's token record of a rollout (server/policies/openai/token-info.ts), when there is one. */
function tokensOf(behaviour: unknown): { tokens?: TokenInfo[] } {
  const tokens = (behaviour as { tokens?: unknown } | null)?.tokens;
  return Array.isArray(tokens) && tokens.length > 0 ? { tokens: tokens as TokenInfo[] } : {};
}

/** The batch of a published step: every group with its trajectories, rewards and group-normalised advantages. */
export async function batchOfStep({ db, runId, stepIndex, config }: { db: Db; runId: string; stepIndex: number; config: TRunConfig }): Promise<Batch> {
  const step = await db.step.findUniqueOrThrow({
    where: { runId_index: { runId, index: stepIndex } },
    select: { index: true, epoch: true, policyVersion: true, publishedAt: true, taskIds: true },
  });
  const [rollouts, tasks] = await Promise.all([
    db.rollout.findMany({
      where: { runId, stepIndex },
      select: { taskId: true, sample: true, policyVersion: true, messages: true, reward: true, success: true, infraError: true, behaviour: true },
      orderBy: [{ taskId: "asc" }, { sample: "asc" }],
    }),
    db.task.findMany({ where: { id: { in: step.taskIds } }, select: { id: true, category: true, origin: true, involvedClasses: true } }),
  ]);
  const flags = modeFlags(config.mode);
  const byTask = new Map<string, typeof rollouts>();
  for (const r of rollouts) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);
  const taskOf = new Map(tasks.map((t) => [t.id, t]));
  const groups = step.taskIds.map((taskId) => {
    const group = byTask.get(taskId) ?? [];
    const scored = group.filter((r) => r.infraError === null);
    const rewards = scored.map((r) => rewardOf({ progressReward: r.reward ?? 0, success: r.success === true }, flags.isBinaryReward));
    const advantages = grpoAdvantages(rewards);
    const advantageOf = new Map(scored.map((r, i) => [r.sample, advantages[i]!]));
    const rewardOfSample = new Map(scored.map((r, i) => [r.sample, rewards[i]!]));
    const task = taskOf.get(taskId);
    return {
      taskId,
      category: task?.category ?? "unknown",
      origin: task?.origin ?? "unknown",
      // Every tool the policy was offered by the end of the conversation (held-back ones are released by then).
      tools: (task ? bfclTools(task.involvedClasses, []) : []) as unknown as Batch["groups"][number]["tools"],
      rollouts: group.map((r) => ({
        sample: r.sample,
        policyVersion: r.policyVersion,
        messages: r.messages as unknown as BatchRollout["messages"],
        reward: rewardOfSample.get(r.sample) ?? null,
        advantage: advantageOf.get(r.sample) ?? null,
        success: r.infraError === null ? r.success : null,
        infraError: r.infraError,
        ...tokensOf(r.behaviour),
      })),
    };
  });
  return { runId, step: step.index, epoch: step.epoch, policyVersion: step.policyVersion, publishedAt: step.publishedAt!.toISOString(), groups };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * The oldest published, unacknowledged batch of a run, waiting up to `waitSeconds` for one; null when none is
 * ready by then (or the run is over). Polls with short queries and sleeps: no connection is held while waiting.
 */
export async function nextBatch({ db, runId, waitSeconds, signal }: { db: Db; runId: string; waitSeconds: number; signal?: AbortSignal }): Promise<Batch | null> {
  const { config } = await externalRun({ db, runId });
  const deadline = Date.now() + Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000;
  for (;;) {
    const step = await db.step.findFirst({ where: { runId, publishedAt: { not: null }, ackedAt: null }, select: { index: true }, orderBy: { index: "asc" } });
    if (step) return batchOfStep({ db, runId, stepIndex: step.index, config });
    const remaining = deadline - Date.now();
    if (remaining <= 0 || signal?.aborted) return null;
    const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run || ["completed", "failed", "cancelled"].includes(run.status)) return null;
    await sleep(Math.min(POLL_INTERVAL_MS, remaining), signal);
  }
}

/**
 * Acknowledges a trained batch. Idempotent: the same ack again answers the same. 409 for a step that was never
 * published, an ack out of order, a version below the run's, or a second ack with another version. Moves the run
 * to the new version, wakes the driver, and starts held-out evaluation after an evaluation epoch's last step.
 */
export async function ackBatch({
  db,
  jobs,
  runId,
  stepIndex,
  policyVersion,
  metrics,
}: {
  db: Db;
  jobs: JobSender;
  runId: string;
  stepIndex: number;
  policyVersion: number;
  metrics?: Record<string, number>;
}) {
  await externalRun({ db, runId });
  const outcome = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Run" WHERE id = ${runId} FOR UPDATE`;
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { policyVersion: true, config: true } });
    const config = run.config as unknown as TRunConfig;
    const step = await tx.step.findUnique({
      where: { runId_index: { runId, index: stepIndex } },
      select: { index: true, epoch: true, stepInEpoch: true, publishedAt: true, ackedAt: true, ackedPolicyVersion: true },
    });
    if (!step?.publishedAt) {
      throw new AppError("CONFLICT", `Step ${stepIndex} of run "${runId}" has not been published as a batch; acknowledge only batches you received from batches/next.`);
    }
    if (step.ackedAt) {
      if (step.ackedPolicyVersion === policyVersion) return { isNew: false, step, config, ackedAt: step.ackedAt };
      throw new AppError("CONFLICT", `Step ${stepIndex} was acknowledged already with policy version ${step.ackedPolicyVersion}, not ${policyVersion}.`);
    }
    const older = await tx.step.findFirst({ where: { runId, index: { lt: stepIndex }, publishedAt: { not: null }, ackedAt: null }, select: { index: true }, orderBy: { index: "asc" } });
    if (older) throw new AppError("CONFLICT", `Step ${older.index} is older and not acknowledged yet; acknowledge batches in order (batches/next serves the oldest).`);
    if (policyVersion < run.policyVersion) {
      throw new AppError("CONFLICT", `Policy version ${policyVersion} is lower than the run's current version ${run.policyVersion}; send the version of the weights you trained on this batch.`);
    }
    const ackedAt = new Date();
    await tx.step.update({
      where: { runId_index: { runId, index: stepIndex } },
      data: { ackedAt, ackedPolicyVersion: policyVersion, trainerMetrics: (metrics ?? {}) as Prisma.InputJsonValue },
    });
    await tx.run.update({ where: { id: runId }, data: { policyVersion } });
    await refreshRunAggregateInTx({ tx, runId, parts: ["trainer"] }); // the monitor's trainer charts
    return { isNew: true, step, config, ackedAt };
  });
  if (outcome.isNew) {
    await jobs.send(JOBS.runAdvance, { runId }, { singletonKey: runId });
    const evaluation = await evaluationAfterAck({ db, runId, stepIndex, epoch: outcome.step.epoch, config: outcome.config });
    if (evaluation) await jobs.send(JOBS.evaluate, { runId, ...evaluation }, { singletonKey: `${runId}:${evaluation.stepIndex}` });
  }
  return { runId, step: stepIndex, policyVersion, ackedAt: outcome.ackedAt.toISOString(), isDuplicate: !outcome.isNew };
}

/** Held-out evaluation is due after the ack of the last step of an evaluation epoch (as closeEpoch would send it). */
async function evaluationAfterAck({ db, runId, stepIndex, epoch, config }: { db: Db; runId: string; stepIndex: number; epoch: number; config: TRunConfig }) {
  const last = await db.step.findFirst({ where: { runId, epoch }, select: { index: true }, orderBy: { index: "desc" } });
  if (!last || last.index !== stepIndex) return null;
  const isDue = isEvalEpoch({ epoch: epoch + 1, epochs: config.epochs, evalEveryEpochs: config.evalEveryEpochs });
  return isDue ? { stepIndex: stepIndex + 1, epoch: epoch + 1 } : null;
}

/** An external trainer's acknowledgements by step, for the monitor's chart (metrics as the trainer sent them). */
export async function getTrainerMetricsSeries({ db, runId }: { db: Db; runId: string }) {
  // From the run's RunAggregate (rewritten with each acknowledgement): polled by every open monitor, one key lookup
  // whatever the run's length. Times as epoch milliseconds (the columns hold milliseconds).
  const [row] = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { steps: [number, number | null, number | null, number | null, Record<string, number> | null][] | null })[]>`
      SELECT ${FRESHNESS_COLUMNS}, a.trainer AS steps FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  return (row?.steps ?? []).map(([stepIndex, policyVersion, publishedMs, ackedMs, metrics]) => ({
    stepIndex,
    policyVersion,
    /** seconds from publication to acknowledgement: how long the trainer took on the batch */
    trainSeconds: publishedMs !== null && ackedMs !== null ? (ackedMs - publishedMs) / 1000 : null,
    metrics: (metrics ?? {}) as Record<string, number>,
  }));
}
