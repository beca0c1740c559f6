// Reading tasks: the list with filters and counts, and one task in full.
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import type { BfclEntry, GroundTruthCall } from "../envs/bfcl/dataset";
import { toolNamesPerTurn } from "../envs/bfcl/tool-docs";

export interface TaskFilter {
  datasetName?: string;
  category?: string;
  split?: "train" | "test" | "none";
  apiClass?: string;
  origin?: "seed" | "synthesized" | "imported";
  search?: string;
}

export const taskListSelect = {
  id: true,
  externalId: true,
  category: true,
  split: true,
  scenarioIndex: true,
  involvedClasses: true,
  numTurns: true,
  origin: true,
  status: true,
  reviewState: true,
  dependencyDepth: true,
  gtReplayOk: true,
  createdAt: true,
  dataset: { select: { name: true } },
} satisfies Prisma.TaskSelect;

function whereOf(filter: TaskFilter): Prisma.TaskWhereInput {
  return {
    ...(filter.datasetName ? { dataset: { name: filter.datasetName } } : {}),
    ...(filter.category ? { category: filter.category } : {}),
    ...(filter.split ? { split: filter.split } : {}),
    ...(filter.origin ? { origin: filter.origin } : {}),
    ...(filter.apiClass ? { involvedClasses: { has: filter.apiClass } } : {}),
    ...(filter.search ? { externalId: { contains: filter.search, mode: "insensitive" as const } } : {}),
  };
}

export async function listTasks({ db, filter, page, pageSize }: { db: Db; filter: TaskFilter; page: number; pageSize: number }) {
  const where = whereOf(filter);
  const [items, total] = await Promise.all([ // two plain reads: a transaction would hold a connection longer for nothing
    db.task.findMany({ where, select: taskListSelect, orderBy: [{ category: "asc" }, { scenarioIndex: "asc" }, { externalId: "asc" }], skip: (page - 1) * pageSize, take: pageSize }),
    db.task.count({ where }),
  ]);
  return { items, total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Counts of all tasks by each facet (for the filter bar), computed in SQL. */
export async function countTasks({ db, datasetName }: { db: Db; datasetName?: string }) {
  const where = whereOf({ datasetName });
  const [byCategory, bySplit, byOrigin, total] = await Promise.all([
    db.task.groupBy({ by: ["category"], where, _count: { _all: true }, orderBy: { category: "asc" } }),
    db.task.groupBy({ by: ["split"], where, _count: { _all: true }, orderBy: { split: "asc" } }),
    db.task.groupBy({ by: ["origin"], where, _count: { _all: true }, orderBy: { origin: "asc" } }),
    db.task.count({ where }),
  ]);
  const byClass = await db.$queryRaw<{ name: string; count: bigint }[]>`
    SELECT c AS name, count(*) AS count FROM "Task" t CROSS JOIN LATERAL unnest(t."involvedClasses") AS c
    ${datasetName ? Prisma.sql`JOIN "Dataset" d ON d.id = t."datasetId" AND d.name = ${datasetName}` : Prisma.empty}
    GROUP BY c ORDER BY c`;
  const toMap = <K extends string>(rows: { _count: { _all: number } }[], key: (r: never) => K) =>
    Object.fromEntries(rows.map((r) => [key(r as never), r._count._all]));
  return {
    total,
    byCategory: toMap(byCategory, (r: { category: string }) => r.category),
    bySplit: toMap(bySplit, (r: { split: string }) => r.split),
    byOrigin: toMap(byOrigin, (r: { origin: string }) => r.origin),
    byClass: Object.fromEntries(byClass.map((r) => [r.name, Number(r.count)])),
  };
}

export async function getTask({ db, id }: { db: Db; id: string }) {
  const task = await db.task.findUnique({
    where: { id },
    select: {
      ...taskListSelect,
      turns: true,
      initialConfig: true,
      groundTruth: true,
      missedFunctions: true,
      longContext: true,
      structure: true,
      gtReplayReason: true,
      parentId: true,
      contentHash: true,
      updatedAt: true,
    },
  });
  if (!task) throw new AppError("NOT_FOUND", `No task with id "${id}". It may have been deleted; go back to the task list.`);
  const toolsPerTurn = toolNamesPerTurn({
    involvedClasses: task.involvedClasses,
    missedFunctions: task.missedFunctions as Record<string, string[]>,
    numTurns: task.numTurns,
  });
  return {
    ...task,
    turns: task.turns as unknown as BfclEntry["turns"],
    groundTruth: task.groundTruth as unknown as GroundTruthCall[][],
    missedFunctions: task.missedFunctions as Record<string, string[]>,
    toolsPerTurn,
  };
}
