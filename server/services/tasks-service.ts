// Reading tasks: the list with filters and counts, and one task in full.
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import type { BfclEntry, GroundTruthCall } from "../envs/bfcl/dataset";
import { toolNamesPerTurn } from "../envs/bfcl/tool-docs";
import { shortTaskName } from "../rods/task-names";

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
  };
}

export const TASK_SORTS = ["natural", "created", "mean", "phi"] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
export const SEARCH_MAX = 200;

/** ILIKE pattern matching `text` literally anywhere (%, _ and \ escaped). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function conditionsOf(filter: TaskFilter, runId: string | undefined): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.datasetName) parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "Dataset" d WHERE d.id = t."datasetId" AND d.name = ${filter.datasetName})`);
  if (filter.category) parts.push(Prisma.sql`t.category = ${filter.category}`);
  if (filter.split) parts.push(Prisma.sql`t.split::text = ${filter.split}`);
  if (filter.origin) parts.push(Prisma.sql`t.origin::text = ${filter.origin}`);
  if (filter.apiClass) parts.push(Prisma.sql`${filter.apiClass} = ANY(t."involvedClasses")`);
  if (filter.search) {
    // The user text lives in the turns JSON; a cast to text is a sequential scan, fine at the size of a task pool.
    const pattern = containsPattern(filter.search);
    parts.push(Prisma.sql`(t."externalId" ILIKE ${pattern} OR t.turns::text ILIKE ${pattern})`);
  }
  if (runId) parts.push(Prisma.sql`pe.id IS NOT NULL`);
  return Prisma.join(parts, " AND ");
}

function orderOf(sort: TaskSort, dir: "asc" | "desc"): Prisma.Sql {
  const d = dir === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  // Natural id order: seeds by scenario index (base_2 before base_28), synthesized tasks right after their seed,
  // imported ids by their trailing number.
  const naturalIn = (d: Prisma.Sql) => Prisma.sql`t.category ${d},
    COALESCE(t."scenarioIndex", p."scenarioIndex", (substring(t."externalId" from '(\\d{1,9})$'))::int) ${d} NULLS LAST,
    (t."parentId" IS NOT NULL) ${d}, t."externalId" ${d}, t.id ${d}`;
  const natural = naturalIn(Prisma.sql`ASC`);
  if (sort === "created") return Prisma.sql`t."createdAt" ${d}, t.id ASC`;
  if (sort === "mean") return Prisma.sql`s.mean ${d} NULLS LAST, ${natural}`;
  if (sort === "phi") return Prisma.sql`s.phi ${d} NULLS LAST, ${natural}`;
  return naturalIn(d);
}

export interface ListTasksOptions {
  db: Db;
  filter: TaskFilter;
  page: number;
  pageSize: number;
  /** when set: only tasks in this run's pool, with their pool state and latest r̄ / φ in this run */
  runId?: string;
  sort?: TaskSort;
  dir?: "asc" | "desc";
}

export async function listTasks({ db, filter, page, pageSize, runId, sort = "natural", dir = "asc" }: ListTasksOptions) {
  if (filter.search && (filter.search.length > SEARCH_MAX || filter.search.includes("\u0000"))) {
    throw new AppError("BAD_REQUEST", `Search text must be at most ${SEARCH_MAX} characters and contain no NUL character.`);
  }
  if ((sort === "mean" || sort === "phi") && !runId) {
    throw new AppError("BAD_REQUEST", `Sorting by ${sort === "mean" ? "r̄" : "φ"} needs a run: choose a run first.`);
  }
  if (runId && !(await db.run.findUnique({ where: { id: runId }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", `No run with id "${runId}". Choose a run from the list.`);
  }
  const joins = Prisma.sql`
    LEFT JOIN "Task" p ON p.id = t."parentId"
    ${runId ? Prisma.sql`LEFT JOIN "PoolEntry" pe ON pe."taskId" = t.id AND pe."runId" = ${runId}` : Prisma.empty}
    ${runId
      ? Prisma.sql`LEFT JOIN LATERAL (SELECT ss.mean, ss.phi, ss."stepIndex" FROM "TaskStepStat" ss
          WHERE ss."taskId" = t.id AND ss."runId" = ${runId} ORDER BY ss."stepIndex" DESC LIMIT 1) s ON TRUE`
      : Prisma.empty}`;
  const where = conditionsOf(filter, runId);
  const [rows, counted] = await Promise.all([ // two plain reads: a transaction would hold a connection longer for nothing
    db.$queryRaw<{ id: string; poolState: string | null; lastMean: number | null; lastPhi: number | null; lastStep: number | null }[]>`
      SELECT t.id,
        ${runId ? Prisma.sql`pe.state::text AS "poolState", s.mean AS "lastMean", s.phi AS "lastPhi", s."stepIndex" AS "lastStep"`
          : Prisma.sql`NULL AS "poolState", NULL::float8 AS "lastMean", NULL::float8 AS "lastPhi", NULL::int AS "lastStep"`}
      FROM "Task" t ${joins}
      WHERE ${where}
      ORDER BY ${orderOf(sort, dir)}
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM "Task" t ${joins} WHERE ${where}`,
  ]);
  const found = await db.task.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: taskListSelect });
  const byId = new Map(found.map((t) => [t.id, t]));
  const items = rows.flatMap((r) => {
    const task = byId.get(r.id);
    if (!task) return []; // deleted between the two reads
    return [{ ...task, shortName: shortTaskName(task.externalId), poolState: r.poolState, lastMean: r.lastMean, lastPhi: r.lastPhi, lastStep: r.lastStep }];
  });
  const total = Number(counted[0]?.count ?? 0);
  return { items, total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)), runId: runId ?? null, sort, dir };
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
