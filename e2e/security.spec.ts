// The security suite over real HTTP against the built app: the authorisation matrix (every tRPC procedure of the
// router × anonymous/viewer/member/admin), a fuzzer over every procedure (no 5xx), oversize bodies, the redirect
// and Origin cases, sign-in throttling, owner-or-admin run changes, quotas, and XSS payloads in Chromium.
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { signInViaApi } from "./helpers/auth";
import { waitForHydration, watchCspViolations } from "./helpers/csp";
import http from "node:http";
import { listProcedures, listV1Routes, type ProcedureInfo } from "./helpers/procedures";
import { BASE_URL, callTrpc, contextsByRole, createUserViaCli, trpcJson, type Role } from "./helpers/trpc-http";
import { startSecondWeb, type SecondWeb } from "./helpers/second-web";
import { sendWhileAnswered as sendMidway } from "../test/raw-http";

type Access = "open" | "public" | "signedIn" | "member";

/** Who may call what. Anything not listed: queries are public reads, mutations need launch rights (member). */
const SPECIAL: Record<string, Access> = {
  "auth.me": "open",
  "auth.scopes": "open",
  "auth.apiKeys.list": "signedIn",
  "auth.apiKeys.create": "signedIn",
  "auth.apiKeys.revoke": "signedIn",
};
const accessOf = (p: ProcedureInfo): Access => SPECIAL[p.name] ?? (p.type === "query" ? "public" : "member");

function expectedDenial(access: Access, role: Role): 401 | 403 | null {
  if (access === "open" || access === "public") return null; // the e2e server listens on localhost: anonymous reading on
  if (role === "anonymous") return 401;
  if (access === "member" && role === "viewer") return 403;
  return null;
}

/**
 * A POST whose headers promise (or whose chunks deliver) `totalBytes`, stopped as soon as the server answers. Fails
 * after 20 s saying how far it got (bytes sent, whether the answer's head or end came, the socket closed or was reused).
 */
function postLarge({ path, totalBytes, chunked, headers = {} }: { path: string; totalBytes: number; chunked: boolean; headers?: Record<string, string> }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(path, BASE_URL);
    const seen = { sent: 0, head: "no answer yet", end: false, closed: false, drains: 0, reusedSocket: false, error: "" };
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`POST ${path} (${totalBytes} bytes, ${chunked ? "chunked" : "Content-Length"}): nothing settled in 20 s; ${JSON.stringify(seen)}`));
    }, 20_000);
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...(chunked ? {} : { "content-length": String(totalBytes) }), ...headers } }, (res) => {
      seen.head = `HTTP ${res.statusCode} ${res.headers.connection ?? ""}`;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        seen.end = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on("error", reject);
    });
    req.on("error", (error) => (seen.error = error.message)); // the server may close the socket once it has answered
    req.on("close", () => (seen.closed = true));
    req.on("socket", () => (seen.reusedSocket = req.reusedSocket));
    const chunk = Buffer.alloc(64 * 1024, "x");
    const pump = () => {
      while (seen.sent < totalBytes && !req.destroyed) {
        seen.sent += chunk.byteLength;
        if (!req.write(chunk)) {
          seen.drains += 1;
          return req.once("drain", pump);
        }
      }
      req.end();
    };
    pump();
  });
}

const XSS = `<img src=x onerror="window.__xss=1">"><script>window.__xss=2</script>`;

test.describe.configure({ mode: "serial" });

test.describe("security", () => {
  let procedures: ProcedureInfo[];
  let ctx: Awaited<ReturnType<typeof contextsByRole>>;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    procedures = listProcedures();
    ctx = await contextsByRole();
  });
  test.afterAll(async () => {
    for (const c of [ctx?.anonymous, ctx?.viewer, ctx?.member, ctx?.member2, ctx?.admin]) await c?.dispose();
  });

  test("authorisation matrix: every procedure × anonymous, viewer, member, admin", async () => {
    expect(procedures.length).toBeGreaterThanOrEqual(37);
    const rows: string[] = [];
    for (const p of procedures) {
      if (p.type === "subscription") continue;
      for (const role of ["anonymous", "viewer", "member", "admin"] as const) {
        // An empty input: allowed callers get an answer or a 400, never 401/403; denied ones are stopped first.
        const res = await callTrpc(ctx[role], p.name, p.type, {});
        const expected = expectedDenial(accessOf(p), role);
        rows.push(`${p.name} ${role} ${res.status()}`);
        expect(res.status(), `${p.name} as ${role}`).toBeLessThan(500);
        if (expected) expect(res.status(), `${p.name} as ${role} must be refused`).toBe(expected);
        else expect([401, 403], `${p.name} as ${role} must be allowed`).not.toContain(res.status());
      }
    }
    expect(rows.length).toBe(procedures.filter((p) => p.type !== "subscription").length * 4);
  });

  test("authorisation matrix: every /api/v1 route of the registry × no key and each key scope", async () => {
    const routes = listV1Routes();
    expect(routes.length).toBeGreaterThan(5);
    const scopes = ["runs:read", "runs:write", "tasks:read", "tasks:write", "trainer"] as const;
    const keys: Record<string, string> = {};
    for (const scope of scopes) {
      const res = await callTrpc(ctx.admin, "auth.apiKeys.create", "mutation", { name: `matrix ${scope}`, scopes: [scope], expiresInDays: 1 });
      expect(res.status()).toBe(200);
      keys[scope] = ((await trpcJson(res)).data as { key: string }).key;
    }
    const covers = (keyScope: string, needed: string) => keyScope === needed || (needed.endsWith(":read") && keyScope === needed.replace(/:read$/, ":write"));
    for (const route of routes) {
      const path = `/api/v1${route.path.replace(/\{[^}]+\}/g, "matrix-none")}`;
      const send = (headers: Record<string, string>) =>
        ctx.anonymous.fetch(path, { method: route.method, headers: { "content-type": "application/json", ...headers }, data: route.method === "GET" ? undefined : {}, timeout: 30_000 });
      const anonymous = await send({});
      expect(anonymous.status(), `${route.method} ${route.path} without a key`).toBe(401);
      for (const scope of scopes) {
        const res = await send({ authorization: `Bearer ${keys[scope]}` });
        const label = `${route.method} ${route.path} with a ${scope} key`;
        expect(res.status(), label).toBeLessThan(500);
        if (covers(scope, route.scope)) expect([401, 403], label).not.toContain(res.status());
        else expect(res.status(), label).toBe(403);
      }
      // Fuzz: odd path parameters and bodies, as an admin (every scope); never a 5xx.
      for (const param of ["%00", "9999999999999", "a".repeat(300), "%E0%A4%A"]) {
        for (const data of ['"x"', "[]", '{"\\u0000": 1}', `${"[".repeat(100)}${"]".repeat(100)}`, '{"config": "x", "limit": 99999999999}', "not json"]) {
          const odd = `/api/v1${route.path.replace(/\{[^}]+\}/g, param)}${route.method === "GET" ? "?limit=99999999999&waitSeconds=%00" : ""}`;
          const res = await ctx.admin.fetch(odd, { method: route.method, headers: { "content-type": "application/json" }, data: route.method === "GET" ? undefined : data, timeout: 30_000 });
          expect(res.status(), `${route.method} ${odd} ${data.slice(0, 30)}`).toBeLessThan(500);
        }
      }
      // A viewer's session never changes anything through the API.
      const viewer = await ctx.viewer.fetch(path, { method: route.method, headers: { "content-type": "application/json" }, data: route.method === "GET" ? undefined : {}, timeout: 30_000 });
      if (route.scope.endsWith(":read")) expect([401, 403]).not.toContain(viewer.status());
      else expect(viewer.status(), `${route.method} ${route.path} as a viewer`).toBe(403);
    }
  });

  test("fuzzer: malformed inputs to every procedure never give a 5xx", async () => {
    const payloads: { label: string; raw: unknown }[] = [
      { label: "null", raw: null },
      { label: "number", raw: 7 },
      { label: "string", raw: "x" },
      { label: "array", raw: [] },
      { label: "bare object", raw: { id: 1 } },
      { label: "NUL id", raw: { json: { id: "a\u0000b", taskId: "a\u0000b", runId: "x\u0000" } } },
      { label: "NUL filter", raw: { json: { filter: { search: "\u0000", category: "\u0000" } } } },
      { label: "int 2^31", raw: { json: { page: 2 ** 31, stepIndex: 2 ** 31, sample: 2 ** 40, limit: 2 ** 31, id: "x" } } },
      { label: "huge negative", raw: { json: { page: -1e300, id: "x" } } },
      { label: "wrong types", raw: { json: { id: [], taskId: {}, ids: "x", config: "x", scopes: 5, texts: [1] } } },
      { label: "deep", raw: { json: JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`) } },
      { label: "superjson Date config", raw: { json: { config: "2020-01-01T00:00:00.000Z" }, meta: { values: { config: ["Date"] } } } },
      { label: "unknown superjson type", raw: { json: { id: "x" }, meta: { values: { id: ["custom", "nope"] } } } },
      { label: "long string", raw: { json: { id: "x".repeat(100_000) } } },
    ];
    let count = 0;
    const failures: string[] = [];
    for (const p of procedures) {
      if (p.type === "subscription") continue;
      for (const { label, raw } of payloads) {
        const res = await callTrpc(ctx.admin, p.name, p.type, undefined, { raw });
        count++;
        if (res.status() >= 500) failures.push(`${p.name} ${label}: ${res.status()} ${(await res.text()).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBe(procedures.filter((p) => p.type !== "subscription").length * payloads.length);
  });

  test("NUL bytes and out-of-range integers are answered 400 with a message", async () => {
    const nul = await callTrpc(ctx.anonymous, "tasks.get", "query", { id: "abc\u0000" });
    expect(nul.status()).toBe(400);
    expect((await trpcJson(nul)).message).toMatch(/NUL/);
    const big = await callTrpc(ctx.anonymous, "tasks.list", "query", { page: 2 ** 31 });
    expect(big.status()).toBe(400);
    const path = await ctx.anonymous.get("/api/trpc/tasks.get?input=%7B%22json%22%3A%7B%22id%22%3A%22a%00%22%7D%7D");
    expect(path.status()).toBe(400);
  });

  test("oversize bodies are refused with 413 and the limit, by Content-Length and while streaming", async () => {
    const signIn = await postLarge({ path: "/api/auth/sign-in", totalBytes: 20 * 1024 * 1024, chunked: false });
    expect(signIn.status).toBe(413);
    expect(signIn.body).toMatch(/larger than the limit of 8 KB/);

    const cookie = (await ctx.member.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const mutation = await postLarge({ path: "/api/trpc/runs.pause", totalBytes: 20 * 1024 * 1024, chunked: false, headers: { cookie } });
    expect(mutation.status).toBe(413);
    expect(mutation.body).toMatch(/larger than the limit of 1 MB/);

    // Chunked, no Content-Length: stopped once the limit is passed.
    const chunked = await postLarge({ path: "/api/trpc/runs.pause", totalBytes: 8 * 1024 * 1024, chunked: true, headers: { cookie } });
    expect(chunked.status).toBe(413);
    const v1 = await postLarge({ path: "/api/v1/runs", totalBytes: 8 * 1024 * 1024, chunked: true, headers: { cookie } });
    expect(v1.status).toBe(413);

    // The server still answers at once afterwards.
    expect((await ctx.anonymous.get("/api/health")).status()).toBeLessThan(500);
  });

  test("a client waiting midway through a large body gets its answer at once and may send the rest, at every door", async () => {
    // Next answers a route only once the whole body is in (it keeps a copy for the proxy step): the web server
    // answers these itself, and reads and drops what is still coming.
    const cookie = (await ctx.member.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const signedIn = { Cookie: cookie, Origin: BASE_URL };
    const sent = 20 * 1024 * 1024;
    const sendWhileAnswered = (path: string, headers: Record<string, string>) => sendMidway({ baseUrl: BASE_URL, path, headers });
    expect(await sendWhileAnswered("/api/auth/sign-in", {})).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent });
    expect(await sendWhileAnswered("/api/v1/runs", signedIn)).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent });
    expect(await sendWhileAnswered("/api/v1/runs", {})).toEqual({ answer: "HTTP/1.1 401 Unauthorized", sent });
    expect(await sendWhileAnswered("/api/trpc/runs.pause", signedIn)).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent });
    // Anywhere else no route takes a body: refused at once too (Next would keep up to 10 MB of it, then answer the page).
    expect(await sendWhileAnswered("/tasks", {})).toEqual({ answer: "HTTP/1.1 413 Payload Too Large", sent });
    expect((await ctx.anonymous.get("/api/health")).status()).toBeLessThan(500);
  });

  test("sign-in: next stays on this site; wrong passwords are throttled per account, even with the right one later", async () => {
    const form = (next: string, password: string, email: string) =>
      ctx.anonymous.post("/api/auth/sign-in", { form: { email, password, next }, maxRedirects: 0 });
    for (const next of ["/%09/evil.example/x", "//evil.example", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example"]) {
      const res = await form(next, ctx.users.member.password, ctx.users.member.email);
      expect(res.status(), next).toBe(303);
      expect(res.headers().location, next).toBe("/");
    }
    const ok = await form("/runs?x=1", ctx.users.member.password, ctx.users.member.email);
    expect(ok.headers().location).toBe("/runs?x=1");

    const victim = { email: `throttled-${Date.now().toString(36)}@e2e.local`, password: "right-password-1" };
    createUserViaCli({ ...victim, name: "Throttled", role: "member" });
    // An address of its own: the counts live in the database, so the local address would carry them to later runs.
    const fresh = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${Date.now() % 250}` } });
    try {
      for (let i = 0; i < 6; i++) {
        const wrong = await fresh.post("/api/auth/sign-in", { data: { email: victim.email, password: `wrong-${i}` } });
        expect([401, 429]).toContain(wrong.status());
      }
      const right = await fresh.post("/api/auth/sign-in", { data: victim });
      expect(right.status()).toBe(429);
      expect(Number(right.headers()["retry-after"])).toBeGreaterThan(0);
      expect(((await right.json()) as { error: { message: string } }).error.message).toMatch(/Too many failed sign-ins; wait \d+ s/);
    } finally {
      await fresh.dispose();
    }
  });

  test("cross-site cookie mutations are refused; pages carry the security headers", async () => {
    const evil = await callTrpc(ctx.member, "runs.pause", "mutation", { id: "x" }, { headers: { origin: "http://evil.example" } });
    expect(evil.status()).toBe(403);
    const same = await callTrpc(ctx.member, "runs.pause", "mutation", { id: "no-such-run" }, { headers: { origin: BASE_URL } });
    expect(same.status()).toBe(404);
    const signOut = await ctx.member.post("/api/auth/sign-out", { headers: { origin: "http://evil.example" } });
    expect(signOut.status()).toBe(403);

    const page = await ctx.anonymous.get("/tasks");
    const h = page.headers();
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).toContain("default-src 'self'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
  });

  test("endpoint tests: only allowlisted key variables, only http(s), no credentials, viewers cannot test", async () => {
    const viewer = await callTrpc(ctx.viewer, "experiments.testConnection", "mutation", { baseUrl: "http://127.0.0.1:9/v1" });
    expect(viewer.status()).toBe(403);
    const secret = await callTrpc(ctx.member, "experiments.testConnection", "mutation", { baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: "DATABASE_URL" });
    expect(secret.status()).toBe(400);
    expect((await trpcJson(secret)).message).toMatch(/DATABASE_URL is not allowed|No API key variables are allowed/);
    for (const baseUrl of ["file:///etc/passwd", "gopher://127.0.0.1:9/", "http://user:pw@127.0.0.1:9/v1"]) {
      const res = await callTrpc(ctx.member, "experiments.testConnection", "mutation", { baseUrl });
      expect(res.status(), baseUrl).toBe(400);
    }
    const run = await callTrpc(ctx.member, "experiments.create", "mutation", { config: { policy: { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKeyEnv: "RODS_ADMIN_PASSWORD" } } });
    expect(run.status()).toBe(400);
  });

  test("run configs must be plain objects; quotas refuse oversized runs with a clear message", async () => {
    const date = await callTrpc(ctx.member, "experiments.create", "mutation", undefined, { raw: { json: { config: "2020-01-01T00:00:00.000Z" }, meta: { values: { config: ["Date"] } } } });
    expect(date.status()).toBe(400);
    const set = await callTrpc(ctx.member, "experiments.create", "mutation", undefined, { raw: { json: { config: [] }, meta: { values: { config: ["set"] } } } });
    expect(set.status()).toBe(400);
    const huge = await callTrpc(ctx.member, "experiments.create", "mutation", { config: { epochs: 1000, k: 128, batchSize: 4096 } });
    expect(huge.status()).toBe(429);
    expect((await trpcJson(huge)).message).toMatch(/your budget is .* \(RODS_QUOTA_ROLLOUTS\)/);
  });

  test("only the owner or an admin changes a run; XSS payloads in names and reasons render as text", async ({ page }) => {
    const created = await callTrpc(ctx.member, "experiments.create", "mutation", {
      name: `xss ${XSS}`,
      config: { mode: "static", epochs: 200, k: 2, batchSize: 2, limitSeeds: 2, evalLimit: 1, evalEveryEpochs: 1000 },
    });
    expect(created.status(), await created.text()).toBe(200);
    const runId = ((await trpcJson(created)).data as { id: string }).id;

    const other = await callTrpc(ctx.member2, "runs.pause", "mutation", { id: runId });
    expect(other.status()).toBe(403);
    expect((await trpcJson(other)).message).toMatch(/Only the run's owner or an admin/);
    const viewer = await callTrpc(ctx.viewer, "runs.cancel", "mutation", { id: runId });
    expect(viewer.status()).toBe(403);
    const byAdmin = await callTrpc(ctx.admin, "runs.pause", "mutation", { id: runId, reason: `paused ${XSS}` });
    expect(byAdmin.status(), await byAdmin.text()).toBe(200);
    const key = await callTrpc(ctx.member, "auth.apiKeys.create", "mutation", { name: `key ${XSS}`.slice(0, 100), scopes: ["runs:read"], expiresInDays: 7 });
    expect(key.status()).toBe(200);

    // In Chromium as the member: the payloads show as text and nothing runs.
    await signInViaApi(page, ctx.users.member);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    for (const path of ["/runs", `/runs/${runId}`, "/settings/api-keys"]) {
      await page.goto(path);
      await expect(page.getByText("<script>window.__xss=2</script>", { exact: false }).first()).toBeVisible();
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    }
    await expect(page.getByRole("table", { name: "API keys" })).toContainText("active until");
    expect(dialogs).toEqual([]);

    const byOwner = await callTrpc(ctx.member, "runs.cancel", "mutation", { id: runId });
    expect(byOwner.status()).toBe(200);
  });

  test("reviewer emails are not shown to anonymous visitors", async () => {
    const anonymous = await callTrpc(ctx.anonymous, "review.list", "query", { limit: 50 });
    expect(anonymous.status()).toBe(200);
    expect(JSON.stringify((await trpcJson(anonymous)).data)).not.toMatch(/@rods\.local|@e2e\.local/);
  });

  test("CSP: scripts run only by a per-request nonce; pages hydrate with no CSP violation; injected inline handlers are blocked", async ({ page }) => {
    // The header: a fresh nonce per response, 'strict-dynamic', no 'unsafe-inline' or 'unsafe-eval' for scripts.
    const [first, second] = [await ctx.anonymous.get("/runs"), await ctx.anonymous.get("/runs")];
    const scriptSrc = (res: typeof first) => res.headers()["content-security-policy"]?.split("; ").find((d) => d.startsWith("script-src ")) ?? "";
    expect(scriptSrc(first)).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'$/);
    expect(scriptSrc(second)).not.toBe(scriptSrc(first));
    expect(first.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    // Every script tag of the page carries that response's nonce (Next puts it there when it renders the page).
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc(first))![1]!;
    const tags = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(3);
    for (const tag of tags) expect(tag, tag).toContain(`nonce="${nonce}"`);

    // In Chromium, signed in: the main pages and a run's monitor and a task's page hydrate with no violation.
    const runs = (await trpcJson(await callTrpc(ctx.member, "runs.list", "query", { limit: 1 }))).data as { id: string }[];
    const tasks = (await trpcJson(await callTrpc(ctx.member, "tasks.list", "query", { pageSize: 1 }))).data as { items: { id: string }[] };
    const taskId = tasks.items[0]?.id;
    const violations = await watchCspViolations(page);
    await signInViaApi(page, ctx.users.member);
    const paths = ["/", "/runs", "/tasks", "/review", "/experiments/new", "/studies", "/compare", "/settings/api-keys", "/sign-in"];
    if (runs[0]) paths.push(`/runs/${runs[0].id}`);
    if (taskId) paths.push(`/tasks/${taskId}`);
    for (const path of paths) {
      await page.goto(path);
      await waitForHydration(page);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      expect(await violations(), path).toEqual([]);
    }
    // Client-side navigation (React Server Component payloads) after hydration stays clean too.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tasks" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    expect(await violations()).toEqual([]);

    // The policy is real: markup injected into the page (what an unescaped text would do) runs no handler.
    await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", `<img src="/no-such-image" onerror="window.__inlineRan = 1">`));
    await expect.poll(violations).toContainEqual(expect.stringMatching(/script-src/));
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: number }).__inlineRan)).toBeUndefined();
  });
});

// A second web process of the same build on the same database, started with anonymous reading off.
test.describe("second web process: anonymous reading off, shared sign-in counts, client addresses", () => {
  let second: SecondWeb;
  const stamp = Date.now().toString(36);
  const reader = { email: `reader-${stamp}@e2e.local`, password: "reader-password-1", name: "E2E Reader" };

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    createUserViaCli({ ...reader, role: "viewer" });
    // Forwarding headers believed from 127.0.0.1 (where the other specs' clients connect from) and from no other address.
    second = await startSecondWeb({ RODS_ANONYMOUS_READ: "false", RODS_TRUSTED_PROXIES: "127.0.0.1, ::1" });
  });
  test.afterAll(async () => second?.stop());

  test("with anonymous reading off, every page sends a visitor to sign in and back to that page", async ({ browser }) => {
    const api = await playwrightRequest.newContext({ baseURL: second.url });
    try {
      for (const path of ["/", "/runs?tag=a&x=1", "/tasks", "/tasks/base_1", "/review", "/experiments/new", "/studies", "/compare?runs=x", "/settings/api-keys", "/no-such-page"]) {
        const res = await api.get(path, { maxRedirects: 0 });
        expect(res.status(), path).toBe(307);
        const location = new URL(res.headers().location ?? "", second.url);
        expect(location.origin, path).toBe(second.url);
        expect(`${location.pathname}${location.search}`, path).toBe(`/sign-in?${new URLSearchParams({ next: path }).toString()}`);
      }
      // Routes answer for themselves (401 for data), the sign-in page is open; the first server still lets anyone read.
      expect((await api.get("/sign-in", { maxRedirects: 0 })).status()).toBe(200);
      expect((await api.get("/api/health", { maxRedirects: 0 })).status()).toBe(200);
      expect((await api.get("/api/trpc/runs.list", { maxRedirects: 0 })).status()).toBe(401);
      const open = await playwrightRequest.newContext({ baseURL: BASE_URL });
      expect((await open.get("/runs", { maxRedirects: 0 })).status()).toBe(200);
      await open.dispose();
    } finally {
      await api.dispose();
    }

    const context = await browser.newContext({ baseURL: second.url });
    try {
      const page = await context.newPage();
      await page.goto("/runs?tag=e2e");
      await expect(page).toHaveURL(`${second.url}/sign-in?next=%2Fruns%3Ftag%3De2e`);
      await expect(page.getByText("Sign in to see RODS on this server")).toBeVisible();
      await page.getByLabel("Email").fill(reader.email);
      await page.getByLabel("Password").fill(reader.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(`${second.url}/runs?tag=e2e`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Runs");
      expect((await context.request.get("/tasks", { maxRedirects: 0 })).status()).toBe(200);
    } finally {
      await context.close();
    }
  });

  test("two web processes share the sign-in counts: wrong passwords at one are refused at the other", async () => {
    const victim = { email: `shared-${stamp}@e2e.local`, password: "right-password-2" };
    createUserViaCli({ ...victim, name: "Shared", role: "member" });
    const headers = { "x-forwarded-for": `203.0.113.${Date.now() % 250}` };
    const first = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: headers });
    const other = await playwrightRequest.newContext({ baseURL: second.url, extraHTTPHeaders: headers });
    try {
      for (let i = 0; i < 6; i++) expect((await first.post("/api/auth/sign-in", { data: { email: victim.email, password: `wrong-${i}` } })).status()).toBe(401);
      const right = await other.post("/api/auth/sign-in", { data: victim });
      expect(right.status()).toBe(429);
      expect(Number(right.headers()["retry-after"])).toBeGreaterThan(0);
    } finally {
      await first.dispose();
      await other.dispose();
    }
  });

  test("a client connecting from an address that is not a trusted proxy cannot choose the address its failures count under", async () => {
    // A loopback address of its own (Linux routes all of 127/8 here): the counts it leaves throttle nobody else.
    const from = `127.${1 + (Date.now() % 250)}.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const guess = (i: number, local: string) =>
      new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
        const body = JSON.stringify({ email: `guess-${stamp}-${i}@e2e.local`, password: "a guess" });
        // A new X-Forwarded-For, X-Real-IP and private address header every time, and a new account: only the address count can hold.
        const headers = { "content-type": "application/json", "x-forwarded-for": `192.0.2.${i + 1}`, "x-real-ip": `192.0.2.${i + 101}`, "x-rods-client-address": `192.0.2.${i + 201}` };
        const req = http.request(`${second.url}/api/auth/sign-in`, { method: "POST", localAddress: local, headers }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"] ?? 0) }));
        });
        req.on("error", reject);
        req.end(body);
      });
    const answers = [];
    for (let i = 0; i < 26; i++) answers.push(await guess(i, from));
    expect(answers.slice(0, 21).map((a) => a.status)).toEqual(Array(21).fill(401));
    const refused = answers.slice(21).filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a.retryAfter).toBeGreaterThan(0);
    // From the trusted 127.0.0.1 the same headers name the client: a new one is not throttled.
    expect((await guess(26, "127.0.0.1")).status).toBe(401);
  });
});

export type { APIRequestContext };
