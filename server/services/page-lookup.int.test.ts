// Detail pages answer 404 for unknown ids: the server-side check behind app/runs/[id], app/tasks/[id] and
// app/studies/[id], and that it tells nothing to a visitor who may not read.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db";
import { createUser, signIn } from "./auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { isUnknownPageId } from "./page-lookup";
import { resetData, testDb } from "../../test/db";

const db = testDb();
let runId = "";
let taskId = "";
let token = "";

describe("isUnknownPageId", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const dataset = await db.dataset.findUniqueOrThrow({ where: { name: BFCL_DATASET } });
    taskId = (await db.task.findFirstOrThrow({ where: { datasetId: dataset.id } })).id;
    runId = (await db.run.create({ data: { name: "r", mode: "static", config: {}, datasetId: dataset.id } })).id;
    await createUser({ db, email: "reader@example.org", name: "R", password: "reader's password" });
    token = (await signIn({ db, email: "reader@example.org", password: "reader's password" })).token;
  });
  afterEach(() => {
    delete process.env.RODS_ANONYMOUS_READ;
  });
  afterAll(disconnectDb);

  it("is true for ids that name no run or task, false for existing ones", async () => {
    process.env.RODS_ANONYMOUS_READ = "true";
    expect(await isUnknownPageId({ db, kind: "run", id: runId, sessionToken: undefined })).toBe(false);
    expect(await isUnknownPageId({ db, kind: "task", id: taskId, sessionToken: undefined })).toBe(false);
    expect(await isUnknownPageId({ db, kind: "run", id: "no-such-run", sessionToken: undefined })).toBe(true);
    expect(await isUnknownPageId({ db, kind: "task", id: "no-such-task", sessionToken: undefined })).toBe(true);
    // A task id is not a run id.
    expect(await isUnknownPageId({ db, kind: "run", id: taskId, sessionToken: undefined })).toBe(true);
    const studyId = (await db.study.create({ data: { name: "s", modes: ["static"], seeds: 1, config: {} } })).id;
    expect(await isUnknownPageId({ db, kind: "study", id: studyId, sessionToken: undefined })).toBe(false);
    // An id longer than any stored one is simply unknown (the page answers 404, not a validation message).
    expect(await isUnknownPageId({ db, kind: "study", id: "x".repeat(300), sessionToken: undefined })).toBe(true);
  });

  it("does not tell anonymous visitors which ids exist when anonymous reading is off; a signed-in reader is told", async () => {
    process.env.RODS_ANONYMOUS_READ = "false";
    expect(await isUnknownPageId({ db, kind: "run", id: "no-such-run", sessionToken: undefined })).toBe(false);
    expect(await isUnknownPageId({ db, kind: "run", id: "no-such-run", sessionToken: "not-a-session" })).toBe(false);
    expect(await isUnknownPageId({ db, kind: "run", id: "no-such-run", sessionToken: token })).toBe(true);
    expect(await isUnknownPageId({ db, kind: "run", id: runId, sessionToken: token })).toBe(false);
  });
});
