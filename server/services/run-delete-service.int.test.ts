// Deleting a run: the confirmation's counts, the cascade over what the run owns, synthesized tasks kept in the
// dataset, the owner rule, 409 while the run is active; and DELETE /api/v1/runs/{id} over real HTTP.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { startApiServer, type ApiServer } from "../../test/api-server";
import { disconnectDb } from "../db";
import type { JobSender } from "../jobs/contract";
import { createApiKey, createUser } from "./auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { deleteRun, getRunDeleteImpact } from "./run-delete-service";
import { createRun } from "./runs-service";

const db = testDb();
const noJobs: JobSender = { send: async () => undefined };
let server: ApiServer;

/** A run as the driver leaves it after two steps: steps, rollouts, a synthesized child task and its attempt. */
async function finishedRun(createdById: string) {
  const run = await createRun({ db, jobs: noJobs, createdById, config: { epochs: 1, k: 2, batchSize: 2, limitSeeds: 2, evalLimit: 2 } });
  const pool = await db.poolEntry.findMany({ where: { runId: run.id }, select: { taskId: true } });
  const seed = await db.task.findUniqueOrThrow({ where: { id: pool[0]!.taskId } });
  for (const index of [0, 1]) {
    await db.step.create({ data: { runId: run.id, index, epoch: 0, taskIds: pool.map((p) => p.taskId), status: "done" } });
    await db.rollout.createMany({
      data: pool.flatMap((p) => [0, 1].map((sample) => ({ runId: run.id, stepIndex: index, taskId: p.taskId, sample, messages: [], reward: sample }))),
    });
  }
  const child = await db.task.create({
    data: {
      datasetId: seed.datasetId, externalId: `${seed.externalId}__syn_${run.id}`, category: seed.category, numTurns: seed.numTurns, turns: seed.turns ?? [],
      initialConfig: seed.initialConfig ?? {}, groundTruth: seed.groundTruth ?? [], origin: "synthesized", parentId: seed.id, contentHash: `h-${run.id}`,
    },
  });
  await db.synthesisAttempt.create({ data: { runId: run.id, stepIndex: 0, seedTaskId: seed.id, backend: "procedural", outcome: "accepted", childTaskId: child.id } });
  await db.poolEntry.create({ data: { runId: run.id, taskId: child.id, state: "active", isSeed: false, enteredEpoch: 1 } });
  await db.run.update({ where: { id: run.id }, data: { status: "completed", finishedAt: new Date() } });
  return { runId: run.id, childId: child.id };
}

describe("deleting a run", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await server?.stop();
    await disconnectDb();
  });

  it("says how much goes, deletes all the run owns, keeps its synthesized tasks, and only for the owner or an admin", async () => {
    const owner = await createUser({ db, email: "owner@example.org", name: "Olga", password: "olga's password" });
    const other = await createUser({ db, email: "other@example.org", name: "Otto", password: "otto's password" });
    const { runId, childId } = await finishedRun(owner.id);

    const impact = await getRunDeleteImpact({ db, id: runId });
    expect(impact.deletes).toEqual({ steps: 2, rollouts: 8, poolEntries: 3, evaluations: 0, synthesisAttempts: 1 });
    expect(impact.keeps).toEqual({ synthesizedTasks: 1 });

    await expect(deleteRun({ db, id: runId, actor: { id: other.id, role: "member" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.run.count({ where: { id: runId } })).toBe(1);

    await deleteRun({ db, id: runId, actor: { id: owner.id, role: "member" } });
    expect(await db.run.count({ where: { id: runId } })).toBe(0);
    expect(await db.step.count({ where: { runId } })).toBe(0);
    expect(await db.rollout.count({ where: { runId } })).toBe(0);
    expect(await db.poolEntry.count({ where: { runId } })).toBe(0);
    expect(await db.synthesisAttempt.count({ where: { runId } })).toBe(0);
    const kept = await db.task.findUnique({ where: { id: childId }, select: { origin: true, parentId: true } });
    expect(kept?.origin).toBe("synthesized");
    expect(kept?.parentId).not.toBeNull();
    await expect(getRunDeleteImpact({ db, id: runId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // An admin may delete anyone's run.
    const second = await finishedRun(owner.id);
    await deleteRun({ db, id: second.runId, actor: { id: other.id, role: "admin" } });
    expect(await db.run.count({ where: { id: second.runId } })).toBe(0);
  });

  it("refuses to delete an active run (cancel first) and nothing is lost", async () => {
    const owner = await createUser({ db, email: "active@example.org", name: "Ada", password: "ada's password" });
    const run = await createRun({ db, jobs: noJobs, createdById: owner.id, config: { epochs: 1, k: 2, batchSize: 2, limitSeeds: 2, evalLimit: 2 } });
    await expect(deleteRun({ db, id: run.id, actor: { id: owner.id, role: "member" } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("cancel it first"),
    });
    expect(await db.poolEntry.count({ where: { runId: run.id } })).toBe(2);
  });

  it("PATCH and DELETE /api/v1/runs/{id} over HTTP: notes, tags, archive; 409 while active, then the counts, then 404", async () => {
    const user = await createUser({ db, email: "api@example.org", name: "Api", password: "api's password" });
    const key = (await createApiKey({ db, userId: user.id, name: "w", scopes: ["runs:write"] })).key;
    const call = async (method: string, path: string) => {
      const res = await fetch(`${server.url}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${key}` } });
      return { status: res.status, json: (await res.json()) as Record<string, any> };
    };
    const run = await createRun({ db, jobs: noJobs, createdById: user.id, config: { epochs: 1, k: 2, batchSize: 2, limitSeeds: 2, evalLimit: 2 } });
    const active = await call("DELETE", `/runs/${run.id}`);
    expect(active.status).toBe(409);
    expect(active.json.error.message).toContain("cancel it first");
    // PATCH: notes and tags (400 naming the field on bad ones), archive once the run is no longer active.
    const patch = (body: unknown) =>
      fetch(`${server.url}/api/v1/runs/${run.id}`, { method: "PATCH", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const tagged = await patch({ notes: "first try", tags: ["sweep", "sweep", "k2"] });
    expect(tagged.status).toBe(200);
    expect(await tagged.json()).toMatchObject({ notes: "first try", tags: ["sweep", "k2"], archivedAt: null });
    const bad = await patch({ tags: ["two words"] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("tags");
    expect((await patch({ archived: true })).status).toBe(409);
    await db.run.update({ where: { id: run.id }, data: { status: "cancelled" } });
    const archived = await patch({ archived: true });
    expect(((await archived.json()) as { archivedAt: string | null }).archivedAt).not.toBeNull();
    const listed = await fetch(`${server.url}/api/v1/runs`, { headers: { Authorization: `Bearer ${key}` } });
    expect(((await listed.json()) as { runs: { id: string }[] }).runs.map((r) => r.id)).not.toContain(run.id);
    const withArchived = await fetch(`${server.url}/api/v1/runs?includeArchived=true&tag=k2`, { headers: { Authorization: `Bearer ${key}` } });
    expect(((await withArchived.json()) as { runs: { id: string }[] }).runs.map((r) => r.id)).toEqual([run.id]);
    const done = await call("DELETE", `/runs/${run.id}`);
    expect(done.status).toBe(200);
    expect(done.json.deletes.poolEntries).toBe(2);
    expect((await call("DELETE", `/runs/${run.id}`)).status).toBe(404);
  });
});
