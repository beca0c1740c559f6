// tRPC through the production web process (scripts/web.ts: node:http straight to the tRPC door, Next for the rest)
// answers as Next's own route did: the same requests sent to the e2e server and to bare `next start` on the same
// database give the same statuses and messages (400 for a bad address, 401 for an anonymous change, 403 cross-site,
// 404, 413 over the body limit), every answer carries the security headers, a signed-in change works and is read
// back, and large answers are gzipped for clients that accept it.
import http from "node:http";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { signInViaApi } from "./helpers/auth";
import { startSecondWeb, type SecondWeb } from "./helpers/second-web";
import { BASE_URL, callTrpc, trpcJson } from "./helpers/trpc-http";

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw request (no client-side URL normalising, the body sent as given). */
function send(base: string, { method = "GET", path, headers = {}, body }: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks).toString("latin1") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The message of a tRPC error or of the door's own JSON errors. */
function messageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; json?: { message?: string } } };
    return parsed.error?.json?.message ?? parsed.error?.message;
  } catch {
    return undefined;
  }
}

const query = (name: string, input: unknown) => `/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

test.describe.configure({ mode: "serial" });

test.describe("tRPC through the production web process", () => {
  let nextStart: SecondWeb;
  let cookie: string;
  let nextCookie: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    nextStart = await startSecondWeb({}, { via: "next start" });
    const cookieOf = async (base: string) => {
      const ctx = await playwrightRequest.newContext({ baseURL: base });
      await signInViaApi(ctx);
      const value = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      await ctx.dispose();
      return value;
    };
    cookie = await cookieOf(BASE_URL);
    nextCookie = await cookieOf(nextStart.url);
  });
  test.afterAll(async () => {
    await nextStart?.stop();
  });

  test("the same requests get the same statuses and messages as through Next's route", async () => {
    const cases: { label: string; status: number; message?: RegExp; request: (signedIn: string, origin: string) => Parameters<typeof send>[1] }[] = [
      { label: "a read", status: 200, request: () => ({ path: query("runs.list", {}) }) },
      { label: "an unknown run", status: 404, request: () => ({ path: query("runs.get", { id: "no-such-run" }) }) },
      { label: "a batch of reads", status: 200, request: () => ({ path: `/api/trpc/runs.list,auth.scopes?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: {} }, 1: { json: {} } }))}` }) },
      // Through Next this reached tRPC decoded with replacement characters (400 "… is not valid JSON"); now the door
      // says what is wrong with the address.
      { label: "broken percent-encoding", status: 400, message: /not valid percent-encoding/, request: () => ({ path: "/api/trpc/runs.get?input=%E0%A4%A" }) },
      { label: "a NUL byte in the address", status: 400, request: () => ({ path: "/api/trpc/runs.get?input=%00" }) },
      { label: "a NUL byte in the input", status: 400, request: () => ({ path: query("runs.get", { id: "a\u0000b" }) }) },
      { label: "an unknown procedure", status: 404, request: () => ({ path: query("runs.noSuchThing", {}) }) },
      { label: "an anonymous change", status: 401, request: () => ({ method: "POST", path: "/api/trpc/runs.pause", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: { id: "x" } }) }) },
      {
        label: "a cross-site change with a session cookie",
        status: 403,
        request: (signedIn) => ({ method: "POST", path: "/api/trpc/runs.pause", headers: { "content-type": "application/json", cookie: signedIn, origin: "http://evil.example" }, body: "{}" }),
      },
      {
        label: "a signed-in change of a run that does not exist",
        status: 404,
        request: (signedIn, origin) => ({ method: "POST", path: "/api/trpc/runs.pause", headers: { "content-type": "application/json", cookie: signedIn, origin }, body: JSON.stringify({ json: { id: "no-such-run" } }) }),
      },
      {
        label: "a body over the 1 MB limit",
        status: 413,
        request: (signedIn, origin) => ({ method: "POST", path: "/api/trpc/runs.pause", headers: { "content-type": "application/json", cookie: signedIn, origin }, body: Buffer.alloc(2 * 1024 * 1024, "x") }),
      },
    ];
    for (const c of cases) {
      const ours = await send(BASE_URL, c.request(cookie, BASE_URL));
      const theirs = await send(nextStart.url, c.request(nextCookie, nextStart.url));
      expect(ours.status, `${c.label} (web process)`).toBe(c.status);
      expect(theirs.status, `${c.label} (next start)`).toBe(c.status);
      if (c.message) expect(messageOf(ours.body), c.label).toMatch(c.message);
      else expect(messageOf(ours.body), c.label).toBe(messageOf(theirs.body));
      if (c.status === 413) expect(messageOf(ours.body)).toMatch(/larger than the limit of 1 MB/);
      // Every answer carries the headers next.config.js and proxy.ts give Next's answers.
      expect(ours.headers["x-content-type-options"], c.label).toBe("nosniff");
      expect(ours.headers["x-frame-options"], c.label).toBe("DENY");
      expect(ours.headers["referrer-policy"], c.label).toBe("same-origin");
      expect(ours.headers["cross-origin-opener-policy"], c.label).toBe("same-origin");
      expect(ours.headers["permissions-policy"], c.label).toContain("camera=()");
      expect(ours.headers["content-security-policy"], c.label).toContain("frame-ancestors 'none'");
    }
    // A read answers the same data both ways (the same database).
    const a = await send(BASE_URL, { path: query("auth.scopes", {}) });
    const b = await send(nextStart.url, { path: query("auth.scopes", {}) });
    expect(JSON.parse(a.body)).toEqual(JSON.parse(b.body));
  });

  test("a signed-in change works and is read back; the same change without signing in is refused", async () => {
    const member = await playwrightRequest.newContext({ baseURL: BASE_URL });
    const anonymous = await playwrightRequest.newContext({ baseURL: BASE_URL });
    try {
      await signInViaApi(member);
      const name = `plain path ${Date.now().toString(36)}`;
      const created = await callTrpc(member, "auth.apiKeys.create", "mutation", { name, scopes: ["runs:read"], expiresInDays: 1 }, { headers: { origin: BASE_URL } });
      expect(created.status()).toBe(200);
      const { id, key } = (await trpcJson(created)).data as { id: string; key: string };
      expect(key.length).toBeGreaterThan(20);
      const listed = (await trpcJson(await callTrpc(member, "auth.apiKeys.list", "query", {}))).data as { id: string; name: string }[];
      expect(listed.find((k) => k.id === id)?.name).toBe(name);
      // The key works at /api/v1 (served by Next): both doors write and read the same database.
      expect((await anonymous.get("/api/v1/runs", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(200);

      const refused = await callTrpc(anonymous, "auth.apiKeys.create", "mutation", { name: "anonymous", scopes: ["runs:read"] });
      expect(refused.status()).toBe(401);
      expect((await trpcJson(refused)).message).toBe("Sign in to do this.");
      const revoked = await callTrpc(member, "auth.apiKeys.revoke", "mutation", { id }, { headers: { origin: BASE_URL } });
      expect(revoked.status()).toBe(200);
      expect((await anonymous.get("/api/v1/runs", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
    } finally {
      await member.dispose();
      await anonymous.dispose();
    }
  });

  test("large answers are gzipped for clients that accept it, small ones and other clients get plain JSON", async () => {
    const path = query("tasks.list", { pageSize: 200 });
    const zipped = await send(BASE_URL, { path, headers: { "accept-encoding": "gzip" } });
    const plain = await send(BASE_URL, { path });
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const { gunzipSync } = await import("node:zlib");
    expect(JSON.parse(gunzipSync(Buffer.from(zipped.body, "latin1")).toString("utf8"))).toEqual(JSON.parse(plain.body));
    expect(Number(zipped.headers["content-length"])).toBeLessThan(Number(plain.headers["content-length"]));
    const small = await send(BASE_URL, { path: query("auth.scopes", {}), headers: { "accept-encoding": "gzip" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
  });
});
