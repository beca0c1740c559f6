// The K rollouts of one task at one step: roll out with the policy of that step, score with the verifier, store.
// Samples already stored are skipped, so a retried job completes the group without counting anything twice.
import type { Db } from "../db";
import { verifyTrajectory } from "../envs/bfcl/verifier";
import type { Prisma } from "../generated/prisma/client";
import type { Policy, RolloutTask } from "../policies/types";
import type { TRunConfig } from "../rods/config";
import { groupsToHold } from "../rods/group-hand";
import { hashSeed } from "../rods/random";
import { preparedGroundTruthOf } from "./ground-truth-cache";
import { startJobMeter, type JobMeter } from "./job-meter";
import { policyForStep } from "./policy-store";
import { insertRollouts } from "./rollout-store";
import { loadRolloutTask, rolloutTaskSelect, toRolloutTask, verifierEntryOf } from "./task-mapping";

export interface ScoredRollout {
  sample: number;
  reward: number | null;
  success: boolean | null;
  data: Omit<Prisma.RolloutCreateManyInput, "runId" | "stepIndex" | "taskId" | "sample">;
}

/** Rolls out and scores one sample; infrastructure failures are kept, unscored. */
export async function rolloutAndScore({ policy, task, sample, seed, isGreedy = false }: { policy: Policy; task: RolloutTask; sample: number; seed: number; isGreedy?: boolean }): Promise<ScoredRollout> {
  const result = await policy.rollout(task, { sample, seed, isGreedy });
  const base = {
    messages: result.messages as unknown as Prisma.InputJsonValue,
    behaviour: (result.behaviour ?? undefined) as Prisma.InputJsonValue | undefined,
    tokensIn: result.tokensIn,
    tokensOut: result.tokensOut,
    latencyMs: Math.round(result.latencyMs),
  };
  if (result.infraError) return { sample, reward: null, success: null, data: { ...base, infraError: result.infraError } };
  const verdict = verifyTrajectory({ entry: verifierEntryOf(task), modelCalls: result.modelCalls, prepared: preparedGroundTruthOf(task) });
  return {
    sample,
    reward: verdict.progressReward,
    success: verdict.success,
    data: { ...base, reward: verdict.progressReward, success: verdict.success, turnResults: verdict.turns as unknown as Prisma.InputJsonValue },
  };
}

export async function runRolloutGroup({ db, runId, stepIndex, taskId }: { db: Db; runId: string; stepIndex: number; taskId: string }): Promise<{ stored: number; skipped: number }> {
  const meter = startJobMeter();
  try {
    return await rollOutGroup({ db, runId, stepIndex, taskId, meter });
  } finally {
    meter.stop();
  }
}

async function rollOutGroup({ db, runId, stepIndex, taskId, meter }: { db: Db; runId: string; stepIndex: number; taskId: string; meter: JobMeter }) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, config: true, policyVersion: true } });
  if (!run || run.status === "cancelled" || run.status === "failed" || run.status === "completed") return { stored: 0, skipped: 0 };
  const config = run.config as unknown as TRunConfig;
  const existing = new Set((await db.rollout.findMany({ where: { runId, stepIndex, taskId }, select: { sample: true } })).map((r) => r.sample));
  const missing = Array.from({ length: config.k }, (_, i) => i).filter((i) => !existing.has(i));
  if (missing.length === 0) return { stored: 0, skipped: config.k };
  const task = await loadRolloutTask({ db, id: taskId });
  const policy = await policyForStep({ db, runId, stepIndex, config });
  // An external trainer's version is the run's (moved by its acks); the builtin one counts its checkpoints.
  const version = config.trainer === "external" ? run.policyVersion : await db.policyCheckpoint.count({ where: { runId, stepIndex: { lt: stepIndex } } });
  const scored = await Promise.all(
    missing.map((sample) => rolloutAndScore({ policy, task, sample, seed: hashSeed(config.seed, "rollout", stepIndex, taskId, sample) })),
  );
  // The group's cost is shared by the samples it stores (a retried group's by the ones it adds).
  const cost = meter.stop();
  const jobCpuMs = cost.cpuMs / scored.length;
  const jobWallMs = cost.wallMs / scored.length;
  const stored = await insertRollouts({
    db,
    rows: scored.map((s) => ({ runId, stepIndex, taskId, sample: s.sample, policyVersion: version, ...s.data, jobCpuMs, jobWallMs })),
  });
  return { stored, skipped: existing.size };
}

/** Rollout groups of this run a worker process holds at once (server/rods/group-hand.ts); a run gone: one. */
export async function groupsToHoldForRun({ db, runId, workerSlots }: { db: Db; runId: string; workerSlots: number }): Promise<number> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { config: true } });
  if (!run) return 1;
  const config = run.config as unknown as TRunConfig;
  return groupsToHold({ policyConcurrency: config.policy.kind === "openai" ? config.policy.concurrency : null, k: config.k, workerSlots });
}
