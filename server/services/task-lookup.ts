// A task named by a caller of /api/v1 or MCP: its id, or for the BFCL seeds its BFCL id (multi_turn_base_0).
import type { Db } from "../db";
import { AppError } from "../errors";
import type { RolloutTask } from "../policies/types";
import { BFCL_DATASET } from "./import-service";
import { rolloutTaskSelect, toRolloutTask } from "./task-mapping";

export async function resolveTask({ db, taskId }: { db: Pick<Db, "task">; taskId: string }): Promise<RolloutTask & { externalId: string }> {
  const select = { ...rolloutTaskSelect, externalId: true };
  const row =
    (await db.task.findUnique({ where: { id: taskId }, select })) ??
    (await db.task.findFirst({ where: { externalId: taskId, dataset: { name: BFCL_DATASET } }, select }));
  if (!row) throw new AppError("NOT_FOUND", `No task "${taskId}": give a task id (see /tasks) or a BFCL id such as multi_turn_base_0.`);
  return { ...toRolloutTask(row), externalId: row.externalId };
}
