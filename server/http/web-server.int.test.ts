// tRPC through the web server's plain node:http path (web-server.ts, the path `npm start` serves tRPC on), over
// real HTTP from this process to a separate server process (test/api-server.ts puts createWebServer in front of
// the other routes): the edge's statuses (400, 401, 403, 413), the security headers on every answer, a signed-in
// change that /api/v1 then honours, the calls timed in /metrics, gzip for large answers.
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { startApiServer, type ApiServer } from "../../test/api-server";
import { sendWhileAnswered as sendMidway } from "../../test/raw-http";
import { fillSyntheticRun } from "../../test/fixtures/synthetic-run";
import { disconnectDb } from "../db";
import { createUser } from "../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../services/import-service";

const db = testDb();
let server: ApiServer;
let cookie: string;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP request: the address and body go out exactly as given (fetch would normalise the URL). */
function send({ base, method = "GET", path, headers = {}, body, chunked = false }: { base?: string; method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base ?? server.url);
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", () => {}); // the server may close the socket once it has answered a body it refused
    if (chunked && body) {
      // No Content-Length: the limit must be found while reading.
      const all = Buffer.from(body);
      for (let at = 0; at < all.byteLength; at += 64 * 1024) req.write(all.subarray(at, at + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

const query = (name: string, input: unknown) => `/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
const json = (a: Answer) => JSON.parse((a.headers["content-encoding"] === "gzip" ? gunzipSync(a.body) : a.body).toString("utf8")) as Record<string, any>;
const errorMessage = (a: Answer) => {
  const body = json(a);
  return (body.error?.json?.message ?? body.error?.message) as string;
};
const mutation = (name: string, input: unknown, headers: Record<string, string> = {}) =>
  send({ method: "POST", path: `/api/trpc/${name}`, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: input }) });

describe("tRPC through the web server's plain path", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    await createUser({ db, email: "plain@example.org", name: "Pia", password: "pia's password" });
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
    const signIn = await fetch(`${server.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "plain@example.org", password: "pia's password" }) });
    expect(signIn.status).toBe(200);
    cookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await disconnectDb();
  });

  it("answers reads with the data and the security headers", async () => {
    const res = await send({ path: query("tasks.list", { pageSize: 5 }) });
    expect(res.status).toBe(200);
    expect(json(res).result.data.json.items).toHaveLength(5);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["cache-control"]).toBe("private, no-store");
    const batch = await send({ path: `/api/trpc/tasks.list,auth.scopes?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { pageSize: 1 } }, 1: { json: {} } }))}` });
    expect(batch.status).toBe(200);
    expect(json(batch)).toHaveLength(2);
  });

  it("refuses bad addresses with 400 and says what is wrong", async () => {
    const broken = await send({ path: "/api/trpc/tasks.list?input=%E0%A4%A" });
    expect(broken.status).toBe(400);
    expect(errorMessage(broken)).toMatch(/not valid percent-encoding/);
    const nul = await send({ path: "/api/trpc/tasks.list?input=%00" });
    expect(nul.status).toBe(400);
    expect(errorMessage(nul)).toMatch(/NUL byte/);
    expect(nul.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("changes: refused anonymously (401) and cross-site (403); a signed-in change works and /api/v1 honours it", async () => {
    const anonymous = await mutation("auth.apiKeys.create", { name: "anon", scopes: ["runs:read"] });
    expect(anonymous.status).toBe(401);
    expect(errorMessage(anonymous)).toBe("Sign in to do this.");
    const crossSite = await mutation("auth.apiKeys.create", { name: "evil", scopes: ["runs:read"] }, { cookie, origin: "http://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(errorMessage(crossSite)).toMatch(/Cross-site requests cannot change anything/);
    expect(await db.apiKey.count()).toBe(0);

    const created = await mutation("auth.apiKeys.create", { name: "plain path", scopes: ["runs:read"], expiresInDays: 1 }, { cookie, origin: server.url });
    expect(created.status).toBe(200);
    const key = json(created).result.data.json.key as string;
    expect((await fetch(`${server.url}/api/v1/runs`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await db.apiKey.findMany({ select: { name: true } })).map((k) => k.name)).toEqual(["plain path"]);
  });

  it("refuses a body over the limit with 413, declared or streamed, and keeps answering", async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, "x");
    const declared = await send({ method: "POST", path: "/api/trpc/runs.pause", headers: { "content-type": "application/json", "content-length": String(body.byteLength), cookie, origin: server.url }, body });
    expect(declared.status).toBe(413);
    expect(errorMessage(declared)).toMatch(/larger than the limit of 1 MB/);
    const streamed = await send({ method: "POST", path: "/api/trpc/runs.pause", headers: { "content-type": "application/json", cookie, origin: server.url }, body, chunked: true });
    expect(streamed.status).toBe(413);
    expect((await send({ path: query("auth.scopes", {}) })).status).toBe(200);
  });

  const sendWhileAnswered = (path: string, headers: Record<string, string>) => sendMidway({ baseUrl: server.url, path, headers });

  it("keeps reading a refused body after its 413, so a client still sending is not cut off", async () => {
    const outcome = await sendWhileAnswered("/api/trpc/runs.pause", { Cookie: cookie, Origin: server.url });
    expect(outcome).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent: 20 * 1024 * 1024 });
    expect((await send({ path: query("auth.scopes", {}) })).status).toBe(200);
  });

  it("answers a body sent to /api/v1 or to sign-in before it has all arrived, and reads the rest: 413 over the limit, 401 unsigned", async () => {
    const total = 20 * 1024 * 1024;
    const signedIn = { Cookie: cookie, Origin: server.url };
    expect(await sendWhileAnswered("/api/v1/runs", signedIn)).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent: total });
    expect(await sendWhileAnswered("/api/auth/sign-in", {})).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent: total });
    // Refused before the body is read at all (no key): the answer too comes at once.
    expect(await sendWhileAnswered("/api/v1/runs", {})).toEqual({ answer: "HTTP/1.1 401 Unauthorized", sent: total });
    expect((await send({ path: "/api/v1/runs", headers: { cookie } })).status).toBe(200);
  });

  it("refuses a body sent anywhere Next would answer (no route there takes one) at once, and reads the rest", async () => {
    expect(await sendWhileAnswered("/tasks", {})).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent: 20 * 1024 * 1024 });
    const small = await send({ method: "POST", path: "/metrics", headers: { "content-type": "text/plain" }, body: "x" });
    expect(small.status).toBe(413);
    expect(errorMessage(small)).toMatch(/This address takes no request body/);
    // Without a body, and reads, still go through.
    expect((await send({ method: "POST", path: "/api/health" })).status).not.toBe(413);
    expect((await send({ path: "/metrics" })).status).toBe(200);
  });

  it("times every call in /metrics, as Next's route did", async () => {
    await send({ path: query("auth.scopes", {}) });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^rods_http_request_duration_seconds_count\{surface="trpc",method="GET",route="auth.scopes",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^rods_http_request_duration_seconds_count\{surface="trpc",method="POST",route="auth.apiKeys.create",status="401"\} [1-9]\d*$/m);
  });

  it("gzips large answers for clients that accept it; small ones and other clients get plain JSON", async () => {
    const path = query("tasks.list", { pageSize: 200 });
    const zipped = await send({ path, headers: { "accept-encoding": "gzip, deflate" } });
    const plain = await send({ path });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(json(zipped)).toEqual(json(plain));
    expect(zipped.body.byteLength).toBeLessThan(plain.body.byteLength / 2);
    const small = await send({ path: query("auth.scopes", {}), headers: { "accept-encoding": "gzip" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
  });

  it("answers a live page's polled reads from memory to everyone who may read, until a change is sent with a session", async () => {
    // A server keeping answers for 10 s (RODS_READ_CACHE_MS, its longest), so that nothing here depends on how fast
    // the requests follow each other; anonymous reading off, as on a shared server: only signed-in readers share.
    const cached = await startApiServer({ databaseUrl: inject("databaseUrl"), env: { RODS_READ_CACHE_MS: "10000", RODS_ANONYMOUS_READ: "false" } });
    try {
      const signInAs = async (email: string) => {
        await createUser({ db, email, name: email, password: "reader's password" });
        const res = await fetch(`${cached.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "reader's password" }) });
        expect(res.status).toBe(200);
        return res.headers.getSetCookie()[0]!.split(";")[0]!;
      };
      const [first, second] = [await signInAs("cache-first@example.org"), await signInAs("cache-second@example.org")];
      const run = await fillSyntheticRun({ db, steps: 3, tasks: 8, k: 2, stepsDone: 2, name: "read cache before" });
      const path = `/api/trpc/runs.get,review.gate?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { id: run.runId } }, 1: { json: { runId: run.runId } } }))}`;
      const headerOf = async (headers: Record<string, string>) => {
        const res = await send({ base: cached.url, path, headers });
        expect(res.status).toBe(200);
        return (json(res) as unknown as { result: { data: { json: { name: string } } } }[])[0]!.result.data.json.name;
      };
      expect(await headerOf({ cookie: first })).toBe("read cache before");
      await db.run.update({ where: { id: run.runId }, data: { name: "read cache after" } });
      // Another signed-in reader: the kept answer. Nobody signed in, or an unknown session: refused, never kept.
      expect(await headerOf({ cookie: second })).toBe("read cache before");
      for (const headers of [{}, { cookie: "rods_session=not-a-session" }] as Record<string, string>[]) {
        const refused = await send({ base: cached.url, path, headers });
        expect(refused.status).toBe(401);
        expect(refused.body.toString()).not.toContain("read cache");
      }
      // A read outside the polled ones is never kept.
      const listed = await send({ base: cached.url, path: query("runs.list", {}), headers: { cookie: first } });
      expect(JSON.stringify(json(listed))).toContain("read cache after");
      // A change sent with a session empties it: whoever changed something sees it on the next poll.
      const change = await send({ base: cached.url, method: "POST", path: "/api/trpc/auth.apiKeys.create", headers: { "content-type": "application/json", cookie: first, origin: cached.url }, body: JSON.stringify({ json: { name: "cache clear", scopes: ["runs:write"], expiresInDays: 1 } }) });
      expect(change.status).toBe(200);
      expect(await headerOf({ cookie: second })).toBe("read cache after");
      // One sent with an API key (a trainer's batches, the CLI) leaves it: seen within the cache's bound, as the worker's changes are.
      const apiKey = (json(change) as { result: { data: { json: { key: string } } } }).result.data.json.key;
      await db.run.update({ where: { id: run.runId }, data: { name: "read cache later" } });
      const byKey = await send({ base: cached.url, method: "POST", path: `/api/v1/runs/${run.runId}/pause`, headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: "{}" });
      expect(byKey.status).toBeLessThan(500);
      expect(await headerOf({ cookie: second })).toBe("read cache after");
      await db.run.update({ where: { id: run.runId }, data: { name: "read cache after" } });
      // Signed out through this process: refused at once, though the answer is still kept for the others.
      const signOut = await send({ base: cached.url, method: "POST", path: "/api/auth/sign-out", headers: { cookie: second, origin: cached.url } });
      expect(signOut.status).toBeLessThan(400);
      expect((await send({ base: cached.url, path, headers: { cookie: second } })).status).toBe(401);
      expect(await headerOf({ cookie: first })).toBe("read cache after");
      // /metrics counts how the answers were found.
      const metrics = await (await fetch(`${cached.url}/metrics`, { headers: { cookie: first } })).text();
      expect(metrics).toMatch(/^rods_read_cache_answers_total\{outcome="kept"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^rods_read_cache_answers_total\{outcome="computed"\} [1-9]\d*$/m);
    } finally {
      await cached.stop();
    }
  });
});
