// What a detail page checks on the server before rendering, so an unknown id answers HTTP 404 instead of a 200
// page that only says "not found" once its data loads. Existence is told only to readers who may read (anonymous
// reading allowed, or signed in): others get the page, whose data calls ask them to sign in.
import type { Db } from "../db";
import { isAnonymousReadAllowed } from "../env";
import { sessionUser } from "./auth-service";

export async function mayReadPages({ db, sessionToken }: { db: Db; sessionToken: string | undefined }): Promise<boolean> {
  return isAnonymousReadAllowed() || (await sessionUser({ db, token: sessionToken })) !== null;
}

/** True when the id names nothing a reader could see: the page should answer 404. */
export async function isUnknownPageId({ db, kind, id, sessionToken }: { db: Db; kind: "run" | "task" | "study"; id: string; sessionToken: string | undefined }): Promise<boolean> {
  if (!(await mayReadPages({ db, sessionToken }))) return false;
  // Ids with a NUL byte cannot be stored in Postgres (the proxy refuses them first); they name nothing.
  if (id.includes("\u0000")) return true;
  const found =
    kind === "run"
      ? await db.run.findUnique({ where: { id }, select: { id: true } })
      : kind === "study"
        ? await db.study.findUnique({ where: { id }, select: { id: true } })
        : await db.task.findUnique({ where: { id }, select: { id: true } });
  return found === null;
}
