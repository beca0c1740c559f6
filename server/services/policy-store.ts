// Policies of a run: built from its settings, with the simulated learner's parameters saved after every step so
// that a run resumes exactly where it was.
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { OpenAIPolicy } from "../policies/openai/agent";
import { Semaphore } from "../policies/openai/semaphore";
import { SimulatedLearner } from "../policies/simulated";
import type { Policy } from "../policies/types";
import type { TRunConfig } from "../rods/config";

type Reader = Pick<Db, "policyCheckpoint"> | Pick<Prisma.TransactionClient, "policyCheckpoint">;

/** Parameters in force when `stepIndex` is rolled out: those saved after the latest earlier step, else the start. */
async function learnerParamsBefore(db: Reader, runId: string, stepIndex: number): Promise<{ params: unknown; fromStep: number } | null> {
  const checkpoint = await (db as Db).policyCheckpoint.findFirst({
    where: { runId, stepIndex: { lt: stepIndex } },
    orderBy: { stepIndex: "desc" },
    select: { params: true, stepIndex: true },
  });
  return checkpoint ? { params: checkpoint.params, fromStep: checkpoint.stepIndex } : null;
}

// Saved parameters never change, so learners can be cached per (run, checkpoint) in each worker.
const learnerCache = new Map<string, SimulatedLearner>();
const CACHE_SIZE = 8;

export async function policyForStep({ db, runId, stepIndex, config }: { db: Db; runId: string; stepIndex: number; config: TRunConfig }): Promise<Policy> {
  if (config.policy.kind === "openai") return openAIPolicyFor(runId, config);
  const saved = await learnerParamsBefore(db, runId, stepIndex);
  const key = `${runId}:${saved?.fromStep ?? "init"}`;
  let learner = learnerCache.get(key);
  if (!learner) {
    learner = saved ? SimulatedLearner.fromJSON(saved.params) : SimulatedLearner.create({ seed: config.seed });
    learnerCache.set(key, learner);
    if (learnerCache.size > CACHE_SIZE) learnerCache.delete(learnerCache.keys().next().value!);
  }
  return learner;
}

/**
 * The policy of a held-out evaluation, scored as BFCL does: greedy (temperature 0 for a model) and, for a model,
 * no system prompt unless the run sets one.
 */
export async function policyForEvaluation({ db, runId, stepIndex, config }: { db: Db; runId: string; stepIndex: number; config: TRunConfig }): Promise<Policy> {
  if (config.policy.kind !== "openai") return policyForStep({ db, runId, stepIndex, config });
  const key = `${runId}:eval`;
  let policy = openAIPolicies.get(key);
  if (!policy) {
    policy = new OpenAIPolicy(config.policy, { systemPrompt: config.policy.systemPrompt ?? null, semaphore: runSemaphore(runId, config.policy.concurrency) });
    openAIPolicies.set(key, policy);
  }
  return policy;
}

// One OpenAI policy per run and worker, so its concurrency limit is shared by all rollouts of the run here; the
// held-out evaluation's policy takes its slots from the same limit, as it talks to the same server.
const openAIPolicies = new Map<string, OpenAIPolicy>();
const runSemaphores = new Map<string, Semaphore>();
function runSemaphore(runId: string, concurrency: number): Semaphore {
  let semaphore = runSemaphores.get(runId);
  if (!semaphore) {
    semaphore = new Semaphore(concurrency);
    runSemaphores.set(runId, semaphore);
  }
  return semaphore;
}
function openAIPolicyFor(runId: string, config: TRunConfig): OpenAIPolicy {
  if (config.policy.kind !== "openai") throw new Error("not an openai policy");
  let policy = openAIPolicies.get(runId);
  if (!policy) {
    const semaphore = runSemaphore(runId, config.policy.concurrency);
    policy = new OpenAIPolicy(config.policy, config.policy.systemPrompt ? { systemPrompt: config.policy.systemPrompt, semaphore } : { semaphore });
    openAIPolicies.set(runId, policy);
  }
  return policy;
}

/** Applies the GRPO update of the simulated learner after a step and saves its parameters; returns the new version. */
export async function updatePolicyAfterStep({
  tx,
  runId,
  stepIndex,
  config,
  policyVersion,
  groups,
}: {
  tx: Prisma.TransactionClient;
  runId: string;
  stepIndex: number;
  config: TRunConfig;
  policyVersion: number;
  groups: { rollouts: { behaviour: unknown; reward: number }[] }[];
}): Promise<number> {
  // An external policy is updated by its trainer, which reports its versions itself.
  // So is the policy of a trainer-driven run: its trainer rolled out and trains.
  if (config.policy.kind !== "simulated" || config.rollouts === "trainer") return policyVersion;
  const saved = await learnerParamsBefore(tx, runId, stepIndex);
  const learner = saved ? SimulatedLearner.fromJSON(saved.params) : SimulatedLearner.create({ seed: config.seed });
  learner.update({ groups, config: config.policy });
  await tx.policyCheckpoint.createMany({
    data: [{ runId, stepIndex, version: policyVersion + 1, params: learner.toJSON() as Prisma.InputJsonValue }],
    skipDuplicates: true,
  });
  return policyVersion + 1;
}
