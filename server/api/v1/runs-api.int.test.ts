// /api/v1 over real HTTP from a separate server process: auth and scopes, the runs routes, validation, body
// limits, the error shape, the generated OpenAPI document and its reference page, and keys made by the CLI.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../../db";
import { createApiKey, createUser } from "../../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { resetData, testDb } from "../../../test/db";
import { startApiServer, type ApiServer } from "../../../test/api-server";
import { ZRunV1 } from "./runs";
import { V1_ROUTES } from "./registry";

const db = testDb();
let server: ApiServer;
const keys = { all: "", read: "", trainer: "" };

async function call(method: string, path: string, { key, body, headers = {} }: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}

const tiny = { epochs: 1, k: 2, batchSize: 4, limitSeeds: 4, evalLimit: 4 };

describe("/api/v1 runs over HTTP", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "trainer@example.org", name: "Tess", password: "tess's password" });
    keys.all = (await createApiKey({ db, userId: user.id, name: "all", scopes: ["runs:write", "tasks:write", "trainer"] })).key;
    keys.read = (await createApiKey({ db, userId: user.id, name: "reader", scopes: ["runs:read"] })).key;
    keys.trainer = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer"] })).key;
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await server?.stop();
    await disconnectDb();
  });

  it("refuses callers without a key, with a bad key or without the scope, in the one error shape", async () => {
    const none = await call("GET", "/runs");
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: { code: "UNAUTHORIZED", message: expect.stringContaining("API key") } });
    expect((await call("GET", "/runs", { key: "rods_00000000_" + "x".repeat(43) })).status).toBe(401);
    expect((await call("GET", "/runs", { headers: { Authorization: "Basic abc" } })).status).toBe(401);

    const runsBefore = await db.run.count();
    const noWrite = await call("POST", "/runs", { key: keys.read, body: { config: tiny } });
    expect(noWrite.status).toBe(403);
    expect(noWrite.json!.error.message).toContain('scope "runs:write"');
    expect((await call("GET", "/runs", { key: keys.trainer })).status).toBe(403);
    expect((await call("GET", "/runs", { key: keys.read })).status).toBe(200);
    expect(await db.run.count()).toBe(runsBefore);
  });

  it("creates a run with the UI's validated config, then gets and lists it", async () => {
    const created = await call("POST", "/runs", { key: keys.all, body: { name: "api run", config: { ...tiny, mode: "static" } } });
    expect(created.status).toBe(201);
    const run = ZRunV1.parse(created.json);
    expect(run).toMatchObject({ name: "api run", mode: "static", status: "queued", currentStep: 0, policyVersion: 0, datasetName: BFCL_DATASET });
    expect(run.config).toMatchObject({ k: 2, batchSize: 4, alphaMinus: 0.2, alphaPlus: 0.85 }); // defaults filled in as the UI does

    const got = await call("GET", `/runs/${run.id}`, { key: keys.read });
    expect(got.status).toBe(200);
    expect(ZRunV1.parse(got.json).id).toBe(run.id);
    const list = await call("GET", "/runs?limit=5", { key: keys.read });
    expect(list.json!.runs.map((r: { id: string }) => r.id)).toContain(run.id);
    expect(await db.poolEntry.count({ where: { runId: run.id } })).toBe(4);

    const missing = await call("GET", "/runs/nope", { key: keys.read });
    expect(missing.status).toBe(404);
    expect(missing.json!.error.code).toBe("NOT_FOUND");
  });

  it("refuses bad input with 400 naming the field, and writes nothing", async () => {
    const before = await db.run.count();
    const cases: Array<[unknown, string]> = [
      [{ config: { ...tiny, k: 1 } }, "body.config.k"],
      [{ config: { ...tiny, alphaMinus: 0.9, alphaPlus: 0.5 } }, "body.config.alphaMinus"],
      [{ config: { ...tiny, kk: 3 } }, "body.config.kk: unknown field"],
      [{ config: { ...tiny, policy: { kind: "simulated", learningRat: 1 } } }, "body.config.policy.learningRat: unknown field"],
      [{ config: tiny, owner: "me" }, "body.owner: unknown field"],
      [{ config: { ...tiny, epochs: "two" } }, "body.config.epochs"],
      [{ name: "no config" }, "body.config"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/runs", { key: keys.all, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json!.error.code).toBe("BAD_REQUEST");
      expect(res.json!.error.message).toContain(field);
    }
    const malformed = await call("POST", "/runs", { key: keys.all, body: '{"config": {' });
    expect(malformed.status).toBe(400);
    expect(malformed.json!.error.message).toMatch(/not valid JSON/);
    const notJson = await call("POST", "/runs", { key: keys.all, body: "config=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(notJson.status).toBe(400);
    const badQuery = await call("GET", "/runs?limit=0", { key: keys.read });
    expect([badQuery.status, badQuery.json!.error.message]).toEqual([400, expect.stringContaining("query.limit")]);
    const unknownQuery = await call("GET", "/runs?limt=5", { key: keys.read });
    expect([unknownQuery.status, unknownQuery.json!.error.message]).toEqual([400, expect.stringContaining("query.limt: unknown field")]);
    expect(await db.run.count()).toBe(before);
  });

  it("refuses an oversize body with 413 naming the limit, with or without a Content-Length", async () => {
    const before = await db.run.count();
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10), config: tiny });
    const declared = await call("POST", "/runs", { key: keys.all, body: big });
    expect(declared.status).toBe(413);
    expect(declared.json!.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining("1 MB") });

    // Chunked, no Content-Length: the reader stops at the limit instead of trusting a header.
    const encoder = new TextEncoder();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 3 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(encoder.encode(" ".repeat(64 * 1024)));
      },
    });
    const res = await fetch(`${server.url}/api/v1/runs`, {
      method: "POST",
      headers: { Authorization: `Bearer ${keys.all}`, "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await db.run.count()).toBe(before);
  });

  it("pauses, resumes and cancels, with 409 for a change the state does not allow", async () => {
    const run = ZRunV1.parse((await call("POST", "/runs", { key: keys.all, body: { config: tiny } })).json);
    const paused = await call("POST", `/runs/${run.id}/pause`, { key: keys.all, body: { reason: "checking the server" } });
    expect([paused.status, paused.json!.status, paused.json!.statusReason]).toEqual([200, "paused", "checking the server"]);
    const again = await call("POST", `/runs/${run.id}/pause`, { key: keys.all });
    expect([again.status, again.json!.error.code, again.json!.error.message]).toEqual([409, "CONFLICT", "Cannot pause a run that is paused."]);
    expect((await call("POST", `/runs/${run.id}/resume`, { key: keys.read })).status).toBe(403);
    expect((await call("POST", `/runs/${run.id}/resume`, { key: keys.all })).json!.status).toBe("running");
    const cancelled = await call("POST", `/runs/${run.id}/cancel`, { key: keys.all, body: {} });
    expect([cancelled.json!.status, cancelled.json!.statusReason]).toEqual(["cancelled", "Cancelled by Tess."]);
    expect((await call("POST", `/runs/${run.id}/resume`, { key: keys.all })).status).toBe(409);
    expect((await call("POST", "/runs/nope/cancel", { key: keys.all })).status).toBe(404);
    expect((await call("PUT", `/runs/${run.id}`, { key: keys.all })).status).toBe(405); // DELETE and PATCH exist; PUT does not
    expect((await call("GET", "/nothing-here", { key: keys.all })).status).toBe(404);
  });

  it("serves an OpenAPI 3.1 document of every route and a reference page that loads nothing from the network", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json!.openapi).toBe("3.1.0");
    for (const route of V1_ROUTES) expect(doc.json!.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.path).toBe(route.operationId);
    // The body schema is the validator's: ZRunConfig's bounds appear in the document.
    expect(JSON.stringify(doc.json!.components.schemas)).toContain('"alphaMinus"');
    expect(doc.json!.paths["/runs"].post.requestBody.content["application/json"].schema.additionalProperties).toBe(false);

    const page = await fetch(`${server.url}/api/v1/docs`);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("/api/v1/runs/{id}/pause");
    expect(html).toContain("Create and start a run");
    expect(html).not.toMatch(/<script|<link[^>]+href="http/);
  });

  it("makes keys from the command line (`apikey create`), printed once and working at once", async () => {
    const { stdout } = await promisify(execFile)("node_modules/.bin/tsx", ["scripts/rods.ts", "apikey", "create", "--user", "trainer@example.org", "--scopes", "all", "--name", "cli key"], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    });
    const key = stdout.trim();
    expect(key).toMatch(/^rods_[0-9a-f]{8}_/);
    const row = await db.apiKey.findFirstOrThrow({ where: { name: "cli key" }, select: { scopes: true, keyHash: true } });
    expect(row.scopes.sort()).toEqual(["runs:read", "runs:write", "tasks:read", "tasks:write", "trainer"]);
    expect(row.keyHash).not.toContain(key.slice(14));
    expect((await call("GET", "/runs", { key })).status).toBe(200);
    const bad = await promisify(execFile)("node_modules/.bin/tsx", ["scripts/rods.ts", "apikey", "create", "--user", "nobody@example.org", "--scopes", "all", "--name", "x"], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining("No user with the email nobody@example.org") });
  });
});
