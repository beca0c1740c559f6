// Imports task folders (BFCL multi-turn format) into a dataset: all or nothing, idempotent, with progress.
import path from "node:path";
import { readBfclFolder, DatasetFormatError, type BfclEntry } from "../envs/bfcl/dataset";
import { paramOrderOf } from "../envs/bfcl/tool-docs";
import { BFCL_CLASS_FACTORIES } from "../envs/bfcl/registry";
import { ZDatasetName } from "../rods/config";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { analyseTask } from "./task-analysis";
import { projectRoot } from "../platform/paths";

export const BFCL_DATASET = "bfcl-v3";
export const SHIPPED_BFCL_DIR = path.join(projectRoot, "data", "bfcl");

export interface ImportSummary {
  dataset: string;
  read: number;
  created: number;
  unchanged: number;
}

const CHUNK = 100;

export async function importTaskFolder({
  db,
  dir,
  datasetName,
  origin,
  importRunId,
  onProgress = () => {},
}: {
  db: Db;
  dir: string;
  datasetName: string;
  origin: "seed" | "imported";
  importRunId?: string;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}): Promise<ImportSummary> {
  const name = ZDatasetName.safeParse(datasetName);
  if (!name.success) {
    const message = `Dataset name ${JSON.stringify(datasetName)}: ${name.error.issues[0]?.message}. Nothing was imported.`;
    if (importRunId) await finishImportRun({ db, importRunId, error: message });
    throw new AppError("BAD_REQUEST", message);
  }
  datasetName = name.data;
  let entries: BfclEntry[];
  const analyses = new Map<string, ReturnType<typeof analysisColumns>>();
  try {
    entries = readBfclFolder({ dir, paramOrder: paramOrderOf, knownClasses: Object.keys(BFCL_CLASS_FACTORIES) });
    // Analysed before anything is written: an entry the environments cannot run is a problem with its line.
    const problems: string[] = [];
    for (const e of entries) {
      try {
        analyses.set(e.id, analysisColumns(e));
      } catch (error) {
        problems.push(`${e.source ?? e.id}: the environments cannot run this task (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    if (problems.length) throw new DatasetFormatError(problems);
  } catch (error) {
    if (error instanceof DatasetFormatError) {
      if (importRunId) await finishImportRun({ db, importRunId, error: error.message });
      throw new AppError("BAD_REQUEST", `${error.message}\nNothing was imported; fix the lines above and run the import again.`, error.problems);
    }
    throw error;
  }
  const known = await db.dataset.findUnique({ where: { name: datasetName }, select: { id: true } });
  const existing = new Set(
    known ? (await db.task.findMany({ where: { datasetId: known.id }, select: { externalId: true } })).map((t) => t.externalId) : [],
  );
  const fresh = entries.filter((e) => !existing.has(e.id));
  if (importRunId) await db.importRun.update({ where: { id: importRunId }, data: { total: entries.length, done: existing.size } });
  // One transaction, the dataset row included: a failure midway leaves no trace.
  let created = 0;
  let datasetId = known?.id;
  await db.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.upsert({
        where: { name: datasetName },
        create: { name: datasetName, source: path.relative(projectRoot, dir) || dir, description: datasetName === BFCL_DATASET ? "BFCL v3 multi-turn (Apache-2.0, Berkeley Gorilla team)" : "" },
        update: {},
        select: { id: true },
      });
      datasetId = dataset.id;
      for (let i = 0; i < fresh.length; i += CHUNK) {
        const chunk = fresh.slice(i, i + CHUNK);
        const result = await tx.task.createMany({
          data: chunk.map((e) => ({
            datasetId: dataset.id,
            externalId: e.id,
            env: "bfcl",
            category: e.category,
            scenarioIndex: e.scenarioIndex,
            split: e.split,
            involvedClasses: e.involvedClasses,
            numTurns: e.turns.length,
            turns: e.turns,
            initialConfig: e.initialConfig as object,
            groundTruth: e.groundTruth as unknown as object,
            missedFunctions: e.missedFunctions as object,
            longContext: e.longContext,
            origin,
            contentHash: e.contentHash,
            ...analyses.get(e.id)!,
          })),
          skipDuplicates: true,
        });
        created += result.count;
        await onProgress(existing.size + i + chunk.length, entries.length);
      }
    },
    { timeout: 120_000 },
  );
  await analysePendingTasks({ db, datasetId });
  const summary = { dataset: datasetName, read: entries.length, created, unchanged: entries.length - created };
  if (importRunId) await finishImportRun({ db, importRunId, created, done: entries.length });
  return summary;
}

export async function createImportRun({ db, source }: { db: Db; source: string }) {
  return db.importRun.create({ data: { source }, select: { id: true } });
}

async function finishImportRun({ db, importRunId, error, created, done }: { db: Db; importRunId: string; error?: string; created?: number; done?: number }) {
  await db.importRun.update({
    where: { id: importRunId },
    data: { status: error ? "failed" : "completed", error, created, done, finishedAt: new Date() },
  });
}

export async function updateImportProgress({ db, importRunId, done }: { db: Db; importRunId: string; done: number }) {
  await db.importRun.update({ where: { id: importRunId }, data: { done } });
}

export async function latestImportRun({ db }: { db: Db }) {
  return db.importRun.findFirst({
    orderBy: { startedAt: "desc" },
    select: { id: true, source: true, status: true, total: true, done: true, created: true, error: true, startedAt: true, finishedAt: true },
  });
}

export async function countDatasetTasks({ db, datasetName }: { db: Db; datasetName: string }): Promise<number> {
  return db.task.count({ where: { dataset: { name: datasetName } } });
}

function analysisColumns(e: Pick<BfclEntry, "involvedClasses" | "initialConfig" | "longContext" | "groundTruth">) {
  const a = analyseTask(e);
  return {
    structure: a.structure as unknown as Prisma.InputJsonValue,
    dependencyDepth: a.dependencyDepth,
    gtReplayOk: a.gtReplayOk,
    gtReplayReason: a.gtReplayReason,
  };
}

/** Tasks imported before the analysis existed get their structure profile and ground-truth replay check now. */
export async function analysePendingTasks({ db, datasetId }: { db: Db; datasetId?: string }): Promise<number> {
  const pending = await db.task.findMany({
    where: { gtReplayOk: null, ...(datasetId ? { datasetId } : {}) },
    select: { id: true, involvedClasses: true, initialConfig: true, longContext: true, groundTruth: true },
  });
  for (const t of pending) {
    await db.task.update({
      where: { id: t.id },
      data: analysisColumns({
        involvedClasses: t.involvedClasses,
        initialConfig: t.initialConfig as BfclEntry["initialConfig"],
        longContext: t.longContext,
        groundTruth: t.groundTruth as unknown as BfclEntry["groundTruth"],
      }),
    });
  }
  return pending.length;
}
