// Runs: create (validated config, seed pool), list, get, pause/resume/cancel, and the summary of a finished run.
import type { Db } from "../db";
import { AppError } from "../errors";
import { JOBS, type JobSender } from "../jobs/contract";
import { initialStepPlan } from "./step-plan-service";
import { startNextStudyRun } from "./study-service";
import { isPlainObject, ZRunConfig, type TRunConfig } from "../rods/config";
import { keyEnvProblem, redactConfigUrls } from "../rods/endpoint";
import { allowedKeyEnvs } from "../llm/client";
import { parseEnv } from "../env";
import type { Prisma } from "../generated/prisma/client";

export const runListSelect = {
  id: true,
  name: true,
  mode: true,
  status: true,
  statusReason: true,
  error: true,
  config: true,
  currentEpoch: true,
  currentStep: true,
  totalSteps: true,
  policyVersion: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  trainerWaitingSince: true,
  notes: true,
  tags: true,
  archivedAt: true,
  createdById: true,
  dataset: { select: { name: true } },
} satisfies Prisma.RunSelect;

export function parseRunConfig(input: unknown): TRunConfig {
  if (input !== undefined && input !== null && !isPlainObject(input)) {
    throw new AppError("BAD_REQUEST", "Invalid run settings: send the config as a JSON object of settings, e.g. {\"mode\": \"rods\", \"epochs\": 8}.");
  }
  const parsed = ZRunConfig.safeParse(input ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`);
    throw new AppError("BAD_REQUEST", `Invalid run settings: ${lines.join("; ")}`, parsed.error.issues);
  }
  const allowed = allowedKeyEnvs();
  for (const [part, endpoint] of [["policy", parsed.data.policy], ["synthesizer", parsed.data.synthesizer]] as const) {
    const problem = "apiKeyEnv" in endpoint ? keyEnvProblem(endpoint.apiKeyEnv, allowed) : null;
    if (problem) throw new AppError("BAD_REQUEST", `Invalid run settings: ${part}.apiKeyEnv: ${problem}`);
  }
  return parsed.data;
}

const ACTIVE_STATUSES = ["queued", "running", "paused"] as const;

/** Rollouts a run may make at most: every step rolls out K per task of its batch (held-out evaluation aside). */
export const plannedRollouts = ({ totalSteps, batchSize, k, seeds }: { totalSteps: number; batchSize: number; k: number; seeds: number }) =>
  totalSteps * Math.min(batchSize, Math.max(seeds, 1)) * k;

/**
 * Per-user quotas (RODS_QUOTA_CONCURRENT_RUNS, RODS_QUOTA_ROLLOUTS) over the user's unfinished runs plus the new
 * work. A study works its runs one at a time, so its unfinished runs count as one at once, but all their rollouts.
 */
export async function checkQuota({ db, userId, newRollouts, what = "This run" }: { db: Db; userId: string; newRollouts: number; what?: string }) {
  const env = parseEnv();
  const active = await db.run.findMany({ where: { createdById: userId, status: { in: [...ACTIVE_STATUSES] } }, select: { totalSteps: true, config: true, studyId: true } });
  const atOnce = active.filter((r) => !r.studyId).length + new Set(active.flatMap((r) => (r.studyId ? [r.studyId] : []))).size;
  if (atOnce + 1 > env.RODS_QUOTA_CONCURRENT_RUNS) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `You have ${atOnce} unfinished runs (a study's runs count as one); the limit is ${env.RODS_QUOTA_CONCURRENT_RUNS} (RODS_QUOTA_CONCURRENT_RUNS). Wait for one to finish or cancel one.`,
    );
  }
  const inUse = active.reduce((sum, r) => {
    const c = r.config as unknown as Partial<TRunConfig>;
    return sum + (r.totalSteps ?? 0) * (c.batchSize ?? 0) * (c.k ?? 0);
  }, 0);
  if (inUse + newRollouts > env.RODS_QUOTA_ROLLOUTS) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `${what} plans up to ${newRollouts.toLocaleString("en")} rollouts and your unfinished runs ${inUse.toLocaleString("en")}; your budget is ${env.RODS_QUOTA_ROLLOUTS.toLocaleString("en")} (RODS_QUOTA_ROLLOUTS). Lower epochs, K or the batch size, or cancel a run.`,
    );
  }
}

/** The train seeds of a run: all, or the first N spread evenly over categories (round robin by scenario index). */
async function seedTaskIds({ db, datasetId, limit }: { db: Db; datasetId: string; limit: number | null }): Promise<string[]> {
  const rows = await db.task.findMany({
    where: { datasetId, split: "train", origin: { in: ["seed", "imported"] }, status: "active" },
    select: { id: true, category: true },
    orderBy: [{ category: "asc" }, { scenarioIndex: "asc" }, { externalId: "asc" }],
  });
  if (limit === null || limit >= rows.length) return rows.map((r) => r.id);
  const byCategory = new Map<string, string[]>();
  for (const r of rows) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r.id]);
  const queues = [...byCategory.values()];
  const out: string[] = [];
  for (let i = 0; out.length < limit; i++) for (const q of queues) if (i < q.length && out.length < limit) out.push(q[i]!);
  return out;
}

/** What a run of these settings starts from and may consume: its dataset, seed tasks, steps and rollouts at most. */
export async function planRun({ db, config }: { db: Db; config: TRunConfig }) {
  const dataset = await db.dataset.findUnique({ where: { name: config.datasetName }, select: { id: true } });
  if (!dataset) throw new AppError("PRECONDITION_FAILED", `Dataset "${config.datasetName}" does not exist; import it first (npm run rods -- import <dir>).`);
  const seeds = await seedTaskIds({ db, datasetId: dataset.id, limit: config.limitSeeds });
  if (seeds.length === 0) throw new AppError("PRECONDITION_FAILED", `Dataset "${config.datasetName}" has no train tasks to start from.`);
  const totalSteps = initialStepPlan({ config, seeds: seeds.length }).total;
  return { dataset, seeds, totalSteps, rollouts: plannedRollouts({ totalSteps, batchSize: config.batchSize, k: config.k, seeds: seeds.length }) };
}

export async function createRun({
  db,
  jobs,
  name,
  config: rawConfig,
  createdById,
  studyId,
  isHeld = false,
  quotaUser,
}: {
  db: Db;
  jobs: JobSender;
  name?: string;
  config: unknown;
  createdById?: string;
  /** the study the run belongs to */
  studyId?: string;
  /** created queued but not started: its study starts it when its turn comes */
  isHeld?: boolean;
  /** the user whose quotas apply (the UI and REST); the command line on the server's machine has none */
  quotaUser?: { id: string; role: string };
}) {
  const config = parseRunConfig(rawConfig);
  const { dataset, seeds, totalSteps, rollouts } = await planRun({ db, config });
  if (quotaUser) await checkQuota({ db, userId: quotaUser.id, newRollouts: rollouts });
  const run = await db.$transaction(async (tx) => {
    const created = await tx.run.create({
      data: {
        name: name?.trim() || `${config.mode} · ${new Date().toISOString().slice(0, 16).replace("T", " ")}`,
        mode: config.mode,
        config: config as unknown as Prisma.InputJsonValue,
        datasetId: dataset.id,
        totalSteps,
        createdById,
        studyId,
      },
      select: { id: true },
    });
    await tx.poolEntry.createMany({ data: seeds.map((taskId) => ({ runId: created.id, taskId, state: "active" as const, isSeed: true, enteredEpoch: 0 })) });
    return created;
  });
  if (!isHeld) await jobs.send(JOBS.runAdvance, { runId: run.id }, { singletonKey: run.id });
  return getRun({ db, id: run.id });
}

export async function getRun({ db, id }: { db: Db; id: string }) {
  const run = await db.run.findUnique({ where: { id }, select: runListSelect });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${id}". It may have been deleted; go back to the runs list.`);
  // Configs stored before credentials in URLs were refused are shown without them.
  return { ...run, config: redactConfigUrls(run.config as unknown as TRunConfig) };
}

/** Newest first; archived runs only when asked for; `tag`: only runs carrying that tag. */
export async function listRuns({ db, limit = 100, tag, includeArchived = false }: { db: Db; limit?: number; tag?: string; includeArchived?: boolean }) {
  const runs = await db.run.findMany({
    where: { ...(includeArchived ? {} : { archivedAt: null }), ...(tag ? { tags: { has: tag } } : {}) },
    select: runListSelect,
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return runs.map((r) => ({ ...r, config: redactConfigUrls(r.config as unknown as TRunConfig) }));
}

const TRANSITIONS = {
  pause: { from: ["queued", "running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["queued", "running", "paused"], to: "cancelled" },
} as const;

export async function changeRunStatus({
  db,
  jobs,
  id,
  action,
  reason,
  actor,
}: {
  db: Db;
  jobs: JobSender;
  id: string;
  action: keyof typeof TRANSITIONS;
  reason?: string;
  /** who asks: only the run's owner or an admin may change it (absent = the worker or the command line) */
  actor?: { id: string; role: string };
}) {
  const { from, to } = TRANSITIONS[action];
  if (actor && actor.role !== "admin") {
    const owner = await db.run.findUnique({ where: { id }, select: { createdById: true } });
    if (!owner) throw new AppError("NOT_FOUND", `No run with id "${id}". It may have been deleted; go back to the runs list.`);
    if (owner.createdById !== actor.id) throw new AppError("FORBIDDEN", `Only the run's owner or an admin can ${action} it.`);
  }
  const updated = await db.run.updateMany({
    where: { id, status: { in: [...from] } },
    data: { status: to, statusReason: reason ?? null, ...(to === "cancelled" ? { finishedAt: new Date() } : {}) },
  });
  if (updated.count === 0) {
    const run = await getRun({ db, id });
    throw new AppError("CONFLICT", `Cannot ${action} a run that is ${run.status}.`);
  }
  if (action === "resume") await jobs.send(JOBS.runAdvance, { runId: id }, { singletonKey: id });
  if (action === "cancel") await startNextStudyRun({ db, jobs, runId: id });
  return getRun({ db, id });
}


/** A run's finished steps after `afterIndex`, in order, with what a progress line shows (the experiment command). */
export async function listFinishedSteps({ db, runId, afterIndex = -1 }: { db: Db; runId: string; afterIndex?: number }) {
  return db.step.findMany({
    where: { runId, status: "done", index: { gt: afterIndex } },
    select: { index: true, epoch: true, meanReward: true, informativeFraction: true, meanPhi: true, regions: true, infraFailures: true },
    orderBy: { index: "asc" },
  });
}
