// Who may change a run: its owner or an admin (absent actor = the worker or the command line on the server).
import type { Db } from "../db";
import { AppError } from "../errors";

export async function assertCanManageRun({ db, id, actor, action }: { db: Db; id: string; actor?: { id: string; role: string }; action: string }) {
  const run = await db.run.findUnique({ where: { id }, select: { createdById: true } });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${id}". It may have been deleted; go back to the runs list.`);
  if (actor && actor.role !== "admin" && run.createdById !== actor.id) throw new AppError("FORBIDDEN", `Only the run's owner or an admin can ${action} it.`);
}
