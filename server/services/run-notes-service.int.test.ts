// Notes, tags and archiving: zod limits with clear messages, nothing saved on bad input, the owner rule, the list
// filtered by tag and without archived runs unless asked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { disconnectDb } from "../db";
import type { JobSender } from "../jobs/contract";
import { createUser } from "./auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { listRunTags, setRunArchived, updateRunNotes } from "./run-notes-service";
import { createRun, listRuns } from "./runs-service";

const db = testDb();
const noJobs: JobSender = { send: async () => undefined };
const tiny = { epochs: 1, k: 2, batchSize: 2, limitSeeds: 2, evalLimit: 2 };

describe("notes, tags and archive", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  });
  afterAll(() => disconnectDb());

  it("saves notes and tags (trimmed, once each), refuses bad ones without losing what was saved, owner or admin only", async () => {
    const owner = await createUser({ db, email: "nora@example.org", name: "Nora", password: "nora's password" });
    const other = await createUser({ db, email: "olaf@example.org", name: "Olaf", password: "olaf's password" });
    const run = await createRun({ db, jobs: noJobs, createdById: owner.id, config: tiny });
    const me = { id: owner.id, role: "member" };

    const saved = await updateRunNotes({ db, id: run.id, actor: me, update: { notes: "β=0.3 looked unstable", tags: [" beta-sweep ", "ablation", "beta-sweep"] } });
    expect(saved).toMatchObject({ notes: "β=0.3 looked unstable", tags: ["beta-sweep", "ablation"] });

    await expect(updateRunNotes({ db, id: run.id, actor: me, update: { tags: ["has space"] } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no spaces"),
    });
    await expect(updateRunNotes({ db, id: run.id, actor: me, update: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } })).rejects.toMatchObject({
      message: expect.stringContaining("at most 20 tags"),
    });
    await expect(updateRunNotes({ db, id: run.id, actor: me, update: { notes: "x".repeat(10_001) } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(updateRunNotes({ db, id: run.id, actor: me, update: { tags: ["a".repeat(41)] } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(updateRunNotes({ db, id: run.id, actor: { id: other.id, role: "member" }, update: { notes: "mine now" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { notes: true, tags: true } })).toEqual({ notes: "β=0.3 looked unstable", tags: ["beta-sweep", "ablation"] });

    // Only notes: the tags stay; an admin may edit anyone's.
    const edited = await updateRunNotes({ db, id: run.id, actor: { id: other.id, role: "admin" }, update: { notes: "" } });
    expect(edited).toMatchObject({ notes: "", tags: ["beta-sweep", "ablation"] });
  });

  it("filters the list by tag, hides archived runs unless asked, and refuses to archive an active run", async () => {
    const a = await createRun({ db, jobs: noJobs, name: "tagged", config: tiny });
    const b = await createRun({ db, jobs: noJobs, name: "untagged", config: tiny });
    await updateRunNotes({ db, id: a.id, update: { tags: ["keep"] } });
    expect((await listRuns({ db, tag: "keep" })).map((r) => r.name)).toEqual(["tagged"]);
    expect((await listRunTags({ db })).find((t) => t.tag === "keep")).toEqual({ tag: "keep", runs: 1 });

    await expect(setRunArchived({ db, id: b.id, isArchived: true })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("cancel it") });
    await db.run.update({ where: { id: b.id }, data: { status: "completed" } });
    const archived = await setRunArchived({ db, id: b.id, isArchived: true });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect((await listRuns({ db })).map((r) => r.id)).not.toContain(b.id);
    expect((await listRuns({ db, includeArchived: true })).map((r) => r.id)).toContain(b.id);
    await setRunArchived({ db, id: b.id, isArchived: false });
    expect((await listRuns({ db })).map((r) => r.id)).toContain(b.id);
  });
});
