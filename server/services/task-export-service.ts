// Tasks in full (user turns, ground truth, initial config, tools held back) for programs over /api/v1: a trainer
// that serves its own policy needs what RODS's policies see. Pages by id, so a long listing stays cheap.
import type { Db } from "../db";
import { AppError } from "../errors";
import { resolveTask } from "./task-lookup";
import { rolloutTaskSelect, toRolloutTask } from "./task-mapping";

const exportSelect = { ...rolloutTaskSelect, externalId: true, split: true, origin: true, parentId: true, dataset: { select: { name: true } } } as const;

type Row = { externalId: string; split: string; origin: string; parentId: string | null; dataset: { name: string } } & Parameters<typeof toRolloutTask>[0];

function toExport(row: Row) {
  return { ...toRolloutTask(row), externalId: row.externalId, split: row.split, origin: row.origin, parentId: row.parentId, datasetName: row.dataset.name };
}

export async function listTasksInFull({ db, datasetName, split, limit, cursor }: { db: Db; datasetName?: string; split?: "train" | "test"; limit: number; cursor?: string }) {
  if (datasetName && !(await db.dataset.findUnique({ where: { name: datasetName }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", `No dataset "${datasetName}"; import it first (npm run rods -- import <dir>).`);
  }
  const rows = await db.task.findMany({
    where: { ...(datasetName ? { dataset: { name: datasetName } } : {}), ...(split ? { split } : {}), ...(cursor ? { id: { gt: cursor } } : {}) },
    select: exportSelect,
    orderBy: { id: "asc" },
    take: limit,
  });
  return { tasks: rows.map((r) => toExport(r as unknown as Row)), nextCursor: rows.length === limit ? rows.at(-1)!.id : null };
}

export async function getTaskInFull({ db, taskId }: { db: Db; taskId: string }) {
  const task = await resolveTask({ db, taskId });
  const row = await db.task.findUniqueOrThrow({ where: { id: task.id }, select: exportSelect });
  return toExport(row as unknown as Row);
}
