// Lineage of a task: its ancestors (parent, grandparent, ... up to the seed) and descendants as a tree, each node
// with its origin, status, review state and the region of its latest step statistic; and the task's parent beside
// it for comparison. Recursion runs in SQL (recursive CTEs), bounded so a long chain stays cheap.
import type { Db } from "../db";
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import { analyseTask } from "./task-analysis";

export const MAX_LINEAGE_DEPTH = 50;
export const MAX_DESCENDANTS = 500;

export interface LineageNode {
  id: string;
  externalId: string;
  origin: "seed" | "synthesized" | "imported";
  status: "active" | "retired";
  reviewState: "none" | "pending" | "approved" | "rejected";
  category: string;
  parentId: string | null;
  /** region, r̄ and where it was observed, from the task's latest step statistic; null when never rolled out */
  latest: { region: "hard" | "boundary" | "mastered"; mean: number; runId: string; runName: string; stepIndex: number } | null;
}

export interface DescendantNode extends LineageNode {
  children: DescendantNode[];
}

interface NodeRow {
  id: string;
  externalId: string;
  origin: LineageNode["origin"];
  status: LineageNode["status"];
  reviewState: LineageNode["reviewState"];
  category: string;
  parentId: string | null;
  depth: number;
}

/** The latest statistic per task: newest run first, then the highest step. */
async function latestStats(db: Db, taskIds: string[]) {
  if (taskIds.length === 0) return new Map<string, NonNullable<LineageNode["latest"]>>();
  const rows = await db.$queryRaw<{ taskId: string; region: "hard" | "boundary" | "mastered"; mean: number; runId: string; runName: string; stepIndex: number }[]>`
    SELECT DISTINCT ON (s."taskId") s."taskId", s.region::text AS region, s.mean, s."runId", r.name AS "runName", s."stepIndex"
    FROM "TaskStepStat" s JOIN "Run" r ON r.id = s."runId"
    WHERE s."taskId" IN (${Prisma.join(taskIds)})
    ORDER BY s."taskId", r."createdAt" DESC, s."stepIndex" DESC`;
  return new Map(rows.map(({ taskId, ...latest }) => [taskId, latest]));
}

export async function getLineage({ db, taskId }: { db: Db; taskId: string }) {
  const self = await db.task.findUnique({ where: { id: taskId }, select: { id: true } });
  if (!self) throw new AppError("NOT_FOUND", `No task with id "${taskId}". It may have been deleted; go back to the task list.`);
  const ancestorRows = await db.$queryRaw<NodeRow[]>`
    WITH RECURSIVE up AS (
      SELECT t.id, t."parentId", 0 AS depth FROM "Task" t WHERE t.id = ${taskId}
      UNION ALL
      SELECT p.id, p."parentId", up.depth + 1 FROM "Task" p JOIN up ON p.id = up."parentId" WHERE up.depth < ${MAX_LINEAGE_DEPTH}
    )
    SELECT t.id, t."externalId", t.origin::text AS origin, t.status::text AS status, t."reviewState"::text AS "reviewState", t.category, t."parentId", up.depth
    FROM up JOIN "Task" t ON t.id = up.id ORDER BY up.depth DESC`;
  const descendantRows = await db.$queryRaw<NodeRow[]>`
    WITH RECURSIVE down AS (
      SELECT t.id, 1 AS depth FROM "Task" t WHERE t."parentId" = ${taskId}
      UNION ALL
      SELECT c.id, down.depth + 1 FROM "Task" c JOIN down ON c."parentId" = down.id WHERE down.depth < ${MAX_LINEAGE_DEPTH}
    )
    SELECT t.id, t."externalId", t.origin::text AS origin, t.status::text AS status, t."reviewState"::text AS "reviewState", t.category, t."parentId", down.depth
    FROM down JOIN "Task" t ON t.id = down.id ORDER BY down.depth, t."createdAt", t.id LIMIT ${MAX_DESCENDANTS + 1}`;
  const isTruncated = descendantRows.length > MAX_DESCENDANTS;
  const kept = descendantRows.slice(0, MAX_DESCENDANTS);
  const stats = await latestStats(db, [...ancestorRows, ...kept].map((r) => r.id));
  const toNode = ({ depth: _depth, ...r }: NodeRow): LineageNode => ({ ...r, latest: stats.get(r.id) ?? null });

  const nodes = new Map<string, DescendantNode>();
  const roots: DescendantNode[] = [];
  for (const row of kept) {
    const node: DescendantNode = { ...toNode(row), children: [] };
    nodes.set(node.id, node);
    // Rows come in depth order, so a parent is always placed before its children.
    if (row.parentId === taskId) roots.push(node);
    else nodes.get(row.parentId ?? "")?.children.push(node);
  }
  const chain = ancestorRows.map(toNode);
  return {
    /** root first, the task itself last */
    ancestors: chain.slice(0, -1),
    self: chain[chain.length - 1]!,
    descendants: roots,
    descendantCount: kept.length,
    isTruncated,
  };
}

export interface StructureView {
  turns: number;
  classesPerTurn: string[][];
  callsPerTurn: number[];
  dependencies: { from: [number, number]; to: [number, number] }[];
  dependencyDepth: number;
}

// Profiles computed for tasks stored without one, by id and content (content never changes under a hash).
const computedStructures = new Map<string, StructureView>();
const MAX_COMPUTED_STRUCTURES = 5_000;

/**
 * The structure profile of each task: the stored one, or for tasks imported before profiles were stored (the
 * seeds) one computed from the ground truth, fetching the initial configuration only for those.
 */
export async function structuresOf(db: Db, rows: readonly { id: string; contentHash: string; structure: unknown }[]): Promise<Map<string, StructureView>> {
  const out = new Map<string, StructureView>();
  const missing: string[] = [];
  for (const r of rows) {
    const known = (r.structure as StructureView | null) ?? computedStructures.get(`${r.id}:${r.contentHash}`);
    if (known) out.set(r.id, known);
    else missing.push(r.id);
  }
  if (missing.length === 0) return out;
  const tasks = await db.task.findMany({
    where: { id: { in: missing } },
    select: { id: true, contentHash: true, involvedClasses: true, initialConfig: true, longContext: true, groundTruth: true },
  });
  for (const t of tasks) {
    const { structure } = analyseTask({
      involvedClasses: t.involvedClasses,
      initialConfig: t.initialConfig as Record<string, Record<string, unknown>>,
      longContext: t.longContext,
      groundTruth: t.groundTruth as unknown as GroundTruthCall[][],
    });
    if (computedStructures.size >= MAX_COMPUTED_STRUCTURES) computedStructures.delete(computedStructures.keys().next().value!);
    computedStructures.set(`${t.id}:${t.contentHash}`, structure);
    out.set(t.id, structure);
  }
  return out;
}

const comparisonSelect = {
  id: true,
  externalId: true,
  category: true,
  origin: true,
  involvedClasses: true,
  numTurns: true,
  turns: true,
  groundTruth: true,
  missedFunctions: true,
  structure: true,
  dependencyDepth: true,
  contentHash: true,
} satisfies Prisma.TaskSelect;

function toComparable(row: Prisma.TaskGetPayload<{ select: typeof comparisonSelect }>, structure: StructureView) {
  return {
    ...row,
    turns: row.turns as unknown as { role: "user"; content: string }[][],
    groundTruth: row.groundTruth as unknown as GroundTruthCall[][],
    missedFunctions: row.missedFunctions as Record<string, string[]>,
    structure,
    dependencyDepth: row.dependencyDepth ?? structure.dependencyDepth,
  };
}
export type ComparableTask = ReturnType<typeof toComparable>;

/** The task and its parent (the seed it was synthesized from), or null when it has none. */
export async function getSeedComparison({ db, taskId }: { db: Db; taskId: string }) {
  const row = await db.task.findUnique({ where: { id: taskId }, select: { ...comparisonSelect, parent: { select: comparisonSelect } } });
  if (!row) throw new AppError("NOT_FOUND", `No task with id "${taskId}". It may have been deleted; go back to the task list.`);
  const { parent, ...variant } = row;
  if (!parent) return null;
  const structures = await structuresOf(db, [parent, variant]);
  return { seed: toComparable(parent, structures.get(parent.id)!), variant: toComparable(variant, structures.get(variant.id)!) };
}
