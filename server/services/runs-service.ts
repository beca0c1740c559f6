// Runs: create (validated config, seed pool), list, get, pause/resume/cancel, and the summary of a finished run.
import type { Db } from "../db";
import { AppError } from "../errors";
import { JOBS, type JobSender } from "../jobs/contract";
import { ZRunConfig, type TRunConfig } from "../rods/config";
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
  dataset: { select: { name: true } },
} satisfies Prisma.RunSelect;

export function parseRunConfig(input: unknown): TRunConfig {
  const parsed = ZRunConfig.safeParse(input ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`);
    throw new AppError("BAD_REQUEST", `Invalid run settings: ${lines.join("; ")}`, parsed.error.issues);
  }
  return parsed.data;
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

export async function createRun({ db, jobs, name, config: rawConfig, createdById }: { db: Db; jobs: JobSender; name?: string; config: unknown; createdById?: string }) {
  const config = parseRunConfig(rawConfig);
  const dataset = await db.dataset.findUnique({ where: { name: config.datasetName }, select: { id: true } });
  if (!dataset) throw new AppError("PRECONDITION_FAILED", `Dataset "${config.datasetName}" does not exist; import it first (npm run rods -- import <dir>).`);
  const seeds = await seedTaskIds({ db, datasetId: dataset.id, limit: config.limitSeeds });
  if (seeds.length === 0) throw new AppError("PRECONDITION_FAILED", `Dataset "${config.datasetName}" has no train tasks to start from.`);
  const stepsPerEpoch = Math.ceil(seeds.length / config.batchSize);
  const run = await db.$transaction(async (tx) => {
    const created = await tx.run.create({
      data: {
        name: name?.trim() || `${config.mode} · ${new Date().toISOString().slice(0, 16).replace("T", " ")}`,
        mode: config.mode,
        config: config as unknown as Prisma.InputJsonValue,
        datasetId: dataset.id,
        totalSteps: stepsPerEpoch * config.epochs,
        createdById,
      },
      select: { id: true },
    });
    await tx.poolEntry.createMany({ data: seeds.map((taskId) => ({ runId: created.id, taskId, state: "active" as const, isSeed: true, enteredEpoch: 0 })) });
    return created;
  });
  await jobs.send(JOBS.runAdvance, { runId: run.id }, { singletonKey: run.id });
  return getRun({ db, id: run.id });
}

export async function getRun({ db, id }: { db: Db; id: string }) {
  const run = await db.run.findUnique({ where: { id }, select: runListSelect });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${id}". It may have been deleted; go back to the runs list.`);
  return { ...run, config: run.config as unknown as TRunConfig };
}

export async function listRuns({ db, limit = 100 }: { db: Db; limit?: number }) {
  const runs = await db.run.findMany({ select: runListSelect, orderBy: { createdAt: "desc" }, take: limit });
  return runs.map((r) => ({ ...r, config: r.config as unknown as TRunConfig }));
}

const TRANSITIONS = {
  pause: { from: ["queued", "running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["queued", "running", "paused"], to: "cancelled" },
} as const;

export async function changeRunStatus({ db, jobs, id, action, reason }: { db: Db; jobs: JobSender; id: string; action: keyof typeof TRANSITIONS; reason?: string }) {
  const { from, to } = TRANSITIONS[action];
  const updated = await db.run.updateMany({
    where: { id, status: { in: [...from] } },
    data: { status: to, statusReason: reason ?? null, ...(to === "cancelled" ? { finishedAt: new Date() } : {}) },
  });
  if (updated.count === 0) {
    const run = await getRun({ db, id });
    throw new AppError("CONFLICT", `Cannot ${action} a run that is ${run.status}.`);
  }
  if (action === "resume") await jobs.send(JOBS.runAdvance, { runId: id }, { singletonKey: id });
  return getRun({ db, id });
}

