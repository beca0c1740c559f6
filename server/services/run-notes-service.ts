// Notes, tags and archiving of a run: the researcher's own bookkeeping, editable by the owner or an admin.
import type { Db } from "../db";
import { AppError } from "../errors";
import { ZRunNotesUpdate } from "../rods/run-notes";
import { assertCanManageRun } from "./run-access";

const select = { id: true, notes: true, tags: true, archivedAt: true } as const;

export async function updateRunNotes({ db, id, update, actor }: { db: Db; id: string; update: unknown; actor?: { id: string; role: string } }) {
  const parsed = ZRunNotesUpdate.safeParse(update);
  if (!parsed.success) {
    throw new AppError("BAD_REQUEST", `Invalid notes or tags: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}`, parsed.error.issues);
  }
  await assertCanManageRun({ db, id, actor, action: "edit the notes of" });
  return db.run.update({ where: { id }, data: parsed.data, select });
}

export async function setRunArchived({ db, id, isArchived, actor }: { db: Db; id: string; isArchived: boolean; actor?: { id: string; role: string } }) {
  await assertCanManageRun({ db, id, actor, action: isArchived ? "archive" : "unarchive" });
  const run = await db.run.findUniqueOrThrow({ where: { id }, select: { status: true, archivedAt: true } });
  if (isArchived && ["queued", "running", "paused"].includes(run.status)) {
    throw new AppError("CONFLICT", `Cannot archive a run that is ${run.status}: cancel it or let it finish first.`);
  }
  if (isArchived === Boolean(run.archivedAt)) return db.run.findUniqueOrThrow({ where: { id }, select });
  return db.run.update({ where: { id }, data: { archivedAt: isArchived ? new Date() : null }, select });
}

/** The tags in use over all runs with how many runs carry each (the list's filter offers these). */
export async function listRunTags({ db }: { db: Db }) {
  const rows = await db.$queryRaw<{ tag: string; runs: number }[]>`
    SELECT t.tag, count(*)::int AS runs FROM "Run", unnest("Run".tags) AS t(tag) GROUP BY t.tag ORDER BY t.tag`;
  return rows;
}
