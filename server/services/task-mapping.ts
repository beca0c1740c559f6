// Task rows as the method's code sees them.
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import type { RolloutTask } from "../policies/types";
import type { Prisma } from "../generated/prisma/client";
import type { Db } from "../db";

export const rolloutTaskSelect = {
  id: true,
  category: true,
  involvedClasses: true,
  initialConfig: true,
  longContext: true,
  turns: true,
  groundTruth: true,
  missedFunctions: true,
  dependencyDepth: true,
} satisfies Prisma.TaskSelect;

type RolloutTaskRow = Prisma.TaskGetPayload<{ select: typeof rolloutTaskSelect }>;

export function toRolloutTask(row: RolloutTaskRow): RolloutTask {
  return {
    id: row.id,
    category: row.category,
    involvedClasses: row.involvedClasses,
    initialConfig: row.initialConfig as RolloutTask["initialConfig"],
    longContext: row.longContext,
    turns: row.turns as RolloutTask["turns"],
    groundTruth: row.groundTruth as unknown as GroundTruthCall[][],
    missedFunctions: row.missedFunctions as Record<string, string[]>,
    dependencyDepth: row.dependencyDepth,
  };
}

/** A task as rollouts see it, with its parent chain (the simulated learner's difficulty inherits along it). */
export async function loadRolloutTask({ db, id }: { db: Db; id: string }): Promise<RolloutTask> {
  const row = await db.task.findUniqueOrThrow({ where: { id }, select: { ...rolloutTaskSelect, parentId: true } });
  const task = toRolloutTask(row);
  let child = task;
  let parentId = row.parentId;
  for (let depth = 0; parentId && depth < 50; depth++) {
    const p = await db.task.findUnique({ where: { id: parentId }, select: { ...rolloutTaskSelect, parentId: true } });
    if (!p) break;
    child.parent = toRolloutTask(p);
    child = child.parent;
    parentId = p.parentId;
  }
  return task;
}

/** The verifier's view: ground truth as call strings per turn. */
export function verifierEntryOf(task: RolloutTask) {
  return {
    involvedClasses: task.involvedClasses,
    initialConfig: task.initialConfig,
    longContext: task.longContext,
    groundTruth: task.groundTruth.map((turn) => turn.map((c) => c.source)),
  };
}
