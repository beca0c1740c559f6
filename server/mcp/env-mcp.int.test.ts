// The environments over MCP, tested with the SDK's own Client over real HTTP against the route handler served by a
// separate process: tools of the turn, calls with the environment's strings, next turn, finish, auth and limits.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { createBfclEnvironment } from "../envs/bfcl/bfcl-env";
import { resetData, testDb } from "../../test/db";
import { startApiServer } from "../../test/api-server";
import { createApiKey, createUser } from "../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../services/import-service";
import { resolveTask } from "../services/task-lookup";

const db = testDb();
let server: { url: string; stop: () => Promise<void> };
let key: string;
let readOnlyKey: string;

function connect(taskId: string, apiKey = key) {
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/api/v1/mcp?taskId=${encodeURIComponent(taskId)}`), {
    requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
  });
  const client = new Client({ name: "rods-test", version: "1.0.0" });
  return { client, transport, ready: client.connect(transport) };
}

function textOf(result: Awaited<ReturnType<Client["callTool"]>>): string {
  return (result.content as { type: string; text: string }[]).map((c) => c.text).join("");
}

describe("MCP environments", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "mcp@rods.local", name: "MCP", password: "password-123" });
    key = (await createApiKey({ db, userId: user.id, name: "mcp", scopes: ["trainer"] })).key;
    readOnlyKey = (await createApiKey({ db, userId: user.id, name: "read", scopes: ["runs:read"] })).key;
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await server?.stop();
    await disconnectDb();
  });

  it("plays a task with the SDK client: tools of the turn, result strings, next turn, finish with reward 1", async () => {
    const task = await resolveTask({ db, taskId: "multi_turn_base_0" });
    const reference = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
    const { client, transport, ready } = connect("multi_turn_base_0");
    await ready;
    expect(transport.sessionId).toBeTruthy();
    expect(client.getInstructions()).toContain(task.turns[0]![0]!.content);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([task.groundTruth[0]![0]!.name, "rods_next_turn", "rods_finish"]));
    const cd = tools.find((t) => t.name === "cd")!;
    expect(cd.inputSchema).toMatchObject({ type: "object", properties: { folder: expect.any(Object) } });

    for (let t = 0; t < task.turns.length; t++) {
      if (t > 0) expect(textOf(await client.callTool({ name: "rods_next_turn", arguments: {} }))).toContain(`Turn ${t + 1} of ${task.turns.length}`);
      for (const call of task.groundTruth[t]!) {
        const result = await client.callTool({ name: call.name, arguments: call.args });
        expect(textOf(result)).toBe(reference.execute({ name: call.name, args: call.args }).output);
      }
    }
    const afterLast = await client.callTool({ name: "rods_next_turn", arguments: {} });
    expect(afterLast.isError).toBe(true);
    expect(textOf(afterLast)).toMatch(/^CONFLICT: .*last one/);
    const score = JSON.parse(textOf(await client.callTool({ name: "rods_finish", arguments: {} })));
    expect(score).toMatchObject({ reward: 1, success: true });
    const late = await client.callTool({ name: "ls", arguments: {} });
    expect(late.isError).toBe(true);
    expect(textOf(late)).toMatch(/finished/);
    await client.close();
  });

  it("answers an unknown tool and bad arguments with the environment's error results", async () => {
    const { client, ready } = connect("multi_turn_base_3");
    await ready;
    const unknown = await client.callTool({ name: "rm_everything", arguments: {} });
    expect(unknown).toMatchObject({ isError: true });
    expect(textOf(unknown)).toBe("Error during execution: name 'rm_everything' is not defined");
    const bad = await client.callTool({ name: "cd", arguments: { nope: 1 } });
    expect(textOf(bad)).toMatch(/unexpected keyword argument 'nope'/);
    await client.close();
  });

  it("refuses a missing key, a key without the trainer scope, an unknown task and an oversize body", async () => {
    const before = await db.envSession.count();
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
    const post = (headers: Record<string, string>, body: string, taskId = "multi_turn_base_0") =>
      fetch(`${server.url}/api/v1/mcp?taskId=${taskId}`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body });
    expect((await post({}, JSON.stringify(init))).status).toBe(401);
    const forbidden = await post({ authorization: `Bearer ${readOnlyKey}` }, JSON.stringify(init));
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toMatch(/trainer/);
    const unknownTask = await post({ authorization: `Bearer ${key}` }, JSON.stringify(init), "multi_turn_base_99999");
    expect(unknownTask.status).toBe(404);
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "echo", arguments: { content: "x".repeat(1 << 20) } } });
    expect((await post({ authorization: `Bearer ${key}`, "mcp-session-id": "whatever" }, huge)).status).toBe(413);
    const unknownSession = await post({ authorization: `Bearer ${key}`, "mcp-session-id": "no-such-session" }, JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }));
    expect(unknownSession.status).toBe(404);
    expect(await db.envSession.count()).toBe(before);
  });
});
