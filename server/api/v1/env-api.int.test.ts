// Environment sessions and trainer-driven routes over real HTTP from a separate server process: the BFCL result
// strings, bad input (unknown task, arguments not an object, 1 MB strings, unknown tools, calls after finish,
// unknown and expired sessions) each a clear 4xx or the environment's error result with nothing written, and 64
// concurrent sessions.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../../db";
import { createBfclEnvironment } from "../../envs/bfcl/bfcl-env";
import { createApiKey, createUser } from "../../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { resolveTask } from "../../services/task-lookup";
import { resetData, testDb } from "../../../test/db";
import { startApiServer, type ApiServer } from "../../../test/api-server";

const db = testDb();
let server: ApiServer;
let key = "";
let otherKey = "";

async function call(method: string, path: string, { body, apiKey = key }: { body?: unknown; apiKey?: string } = {}) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe("/api/v1/env/sessions over HTTP", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "env@example.org", name: "Env", password: "env's password" });
    key = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer"] })).key;
    const other = await createUser({ db, email: "other@example.org", name: "Other", password: "other's password" });
    otherKey = (await createApiKey({ db, userId: other.id, name: "trainer", scopes: ["trainer"] })).key;
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await server?.stop();
    await disconnectDb();
  });

  it("plays a task by its BFCL id with the environment's result strings and scores it", async () => {
    const task = await resolveTask({ db, taskId: "multi_turn_base_5" });
    const reference = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
    const opened = await call("POST", "/env/sessions", { body: { taskId: "multi_turn_base_5" } });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ turn: 1, turns: task.turns.length, taskId: task.id, messages: task.turns[0] });
    expect(opened.json!.tools[0]).toMatchObject({ type: "function", function: { name: expect.any(String), parameters: expect.any(Object) } });
    const sid = opened.json!.sessionId as string;
    for (let t = 0; t < task.turns.length; t++) {
      if (t > 0) expect((await call("POST", `/env/sessions/${sid}/next-turn`)).json).toMatchObject({ turn: t + 1, messages: task.turns[t] });
      // Arguments as JSON text, as a model writes them.
      const calls = task.groundTruth[t]!.map((c) => ({ name: c.name, arguments: JSON.stringify(c.args) }));
      const res = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls } });
      expect(res.status).toBe(200);
      expect(res.json!.results).toEqual(task.groundTruth[t]!.map((c) => reference.execute({ name: c.name, args: c.args }).output));
    }
    const last = await call("POST", `/env/sessions/${sid}/next-turn`);
    expect(last.status).toBe(409);
    expect(last.json!.error.message).toMatch(/last one; finish/);
    const score = await call("POST", `/env/sessions/${sid}/finish`);
    expect(score.json).toMatchObject({ reward: 1, success: true });
    const after = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls: [{ name: "ls", arguments: {} }] } });
    expect(after.status).toBe(409);
    expect(after.json!.error.message).toMatch(/finished/);
  });

  it("refuses bad input with a clear 4xx and writes nothing", async () => {
    const sessionsBefore = await db.envSession.count();
    const unknownTask = await call("POST", "/env/sessions", { body: { taskId: "multi_turn_base_424242" } });
    expect(unknownTask.status).toBe(404);
    expect(unknownTask.json!.error.message).toMatch(/No task "multi_turn_base_424242"/);
    expect((await call("POST", "/env/sessions", { body: { taskId: "multi_turn_base_0", runId: "x" } })).status).toBe(400);
    expect(await db.envSession.count()).toBe(sessionsBefore);

    const sid = (await call("POST", "/env/sessions", { body: { taskId: "multi_turn_base_0" } })).json!.sessionId as string;
    const notObject = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls: [{ name: "cd", arguments: 5 }] } });
    expect(notObject.status).toBe(400);
    expect(notObject.json!.error.message).toMatch(/body\.calls\.0\.arguments/);
    const huge = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls: [{ name: "echo", arguments: { content: "x".repeat(1 << 20) } }] } });
    expect(huge.status).toBe(413);
    expect(huge.json!.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await db.envSession.findUniqueOrThrow({ where: { id: sid }, select: { callCount: true } })).callCount).toBe(0);

    // Unknown tools and arguments that are not an object (as JSON text) are the environment's error results.
    const bad = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls: [{ name: "format_disk", arguments: {} }, { name: "cd", arguments: "\"documents\"" }] } });
    expect(bad.status).toBe(200);
    expect(bad.json!.results).toEqual([
      "Error during execution: name 'format_disk' is not defined",
      "Error during execution: arguments of cd must be a JSON object of parameter names to values, got a string",
    ]);

    // Another user's session does not exist for this caller.
    expect((await call("POST", `/env/sessions/${sid}/calls`, { apiKey: otherKey, body: { calls: [{ name: "ls", arguments: {} }] } })).status).toBe(404);
    expect((await call("POST", "/env/sessions/no-such-session/finish")).status).toBe(404);
    await db.envSession.update({ where: { id: sid }, data: { lastActiveAt: new Date(Date.now() - 24 * 3600_000) } });
    const expired = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls: [{ name: "ls", arguments: {} }] } });
    expect(expired.status).toBe(410);
    expect(expired.json!.error.message).toMatch(/expired/);
  });

  it("serves 64 concurrent sessions without an error", async () => {
    const taskIds = Array.from({ length: 64 }, (_, i) => `multi_turn_base_${i + 100}`);
    const statuses = await Promise.all(
      taskIds.map(async (taskId) => {
        const task = await resolveTask({ db, taskId });
        const opened = await call("POST", "/env/sessions", { body: { taskId } });
        const sid = opened.json!.sessionId as string;
        const calls = await call("POST", `/env/sessions/${sid}/calls`, { body: { calls: task.groundTruth[0]!.map((c) => ({ name: c.name, arguments: c.args })) } });
        const finish = await call("POST", `/env/sessions/${sid}/finish`);
        return [opened.status, calls.status, finish.status];
      }),
    );
    expect(statuses.flat().filter((s) => s >= 300)).toEqual([]);
  });

  it("answers claims of a run that RODS rolls out itself with 409 and unknown runs with 404", async () => {
    expect((await call("POST", "/runs/no-such-run/batches/claim")).status).toBe(404);
    expect((await call("POST", "/runs/no-such-run/rollouts", { body: { step: 0, taskId: "multi_turn_base_0", sample: 0, turns: [] } })).status).toBe(404);
  });
});
