// The sign-in throttle's counts live in Postgres: two throttles on separate pools (as two web processes have) see
// the same counts, and two separate server processes refuse a guessed account together. Over real HTTP from this
// process, the address counted is the connecting one unless it is a trusted proxy (RODS_TRUSTED_PROXIES).
import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { createUser } from "./auth-service";
import { SIGN_IN_LIMIT_TABLE, SignInThrottle } from "./sign-in-throttle";
import { resetData, testDb } from "../../test/db";
import { startApiServer, type ApiServer } from "../../test/api-server";

const db = testDb();
const pools: pg.Pool[] = [];
const servers: ApiServer[] = [];

function processLike(): SignInThrottle {
  const pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
  pools.push(pool);
  return new SignInThrottle({ store: { kind: "postgres", pool } });
}

describe("sign-in throttle on Postgres", () => {
  beforeAll(async () => {
    await resetData(db);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await disconnectDb();
  });

  it("counts failures recorded by one process in another, and a right password clears them everywhere", async () => {
    const [a, b] = [processLike(), processLike()];
    const who = { email: "shared@example.org", address: "10.9.0.1" };
    for (let i = 0; i < 3; i++) await a.recordFailure(who);
    for (let i = 0; i < 2; i++) await b.recordFailure(who);
    expect(await a.waitMs(who)).toBe(0);
    await b.recordFailure(who); // the 6th failure of the account, counted across both
    const waitA = await a.waitMs({ ...who, address: "10.9.0.2" });
    expect(waitA).toBeGreaterThan(0);
    expect(waitA).toBeLessThanOrEqual(1_000);
    await a.recordFailure(who);
    const doubled = await b.waitMs({ ...who, address: "10.9.0.3" });
    expect(doubled).toBeGreaterThan(1_000);
    expect(doubled).toBeLessThanOrEqual(2_000);

    // Stored under hashes in the migration's table: no email or address in clear.
    const rows = await db.signInLimit.findMany({ select: { key: true } });
    expect(rows).toHaveLength(3); // the account's failures and block, the address's failures
    expect(rows.map((r) => r.key).join(" ")).not.toMatch(/shared@example\.org|10\.9\.0\.1/);

    await b.recordSuccess(who);
    expect(await a.waitMs({ ...who, address: "10.9.0.4" })).toBe(0);
  });

  it("two server processes on one database: wrong passwords at one lock the account at the other (429 + Retry-After)", async () => {
    const databaseUrl = inject("databaseUrl");
    // Behind a proxy on loopback, so that each guess comes from another address: only the account's count holds.
    const env = { RODS_TRUSTED_PROXIES: "loopback" };
    servers.push(await startApiServer({ databaseUrl, env }), await startApiServer({ databaseUrl, env }));
    const [one, two] = servers as [ApiServer, ApiServer];
    const victim = { email: "victim@example.org", password: "the right password" };
    await createUser({ db, email: victim.email, name: "Victim", password: victim.password });
    const signIn = (server: ApiServer, body: { email: string; password: string }, address: string) =>
      fetch(`${server.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address }, body: JSON.stringify(body) });

    for (let i = 0; i < 5; i++) expect((await signIn(one, { email: victim.email, password: `wrong ${i}` }, `10.8.0.${i}`)).status).toBe(401);
    expect((await signIn(two, { email: victim.email, password: "wrong 5" }, "10.8.0.5")).status).toBe(401);
    const refused = await signIn(one, victim, "10.8.0.6");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Too many failed sign-ins; wait \d+ s/);
    expect((await signIn(two, victim, "10.8.0.7")).status).toBe(429);

    // Another account from the same addresses is not affected.
    await createUser({ db, email: "bystander@example.org", name: "B", password: "bystander password" });
    expect((await signIn(two, { email: "bystander@example.org", password: "bystander password" }, "10.8.0.5")).status).toBe(200);
  });

  it("a client talking to RODS directly cannot choose the address it is counted under; behind a trusted proxy, X-Forwarded-For separates clients", async () => {
    const databaseUrl = inject("databaseUrl");
    const direct = await startApiServer({ databaseUrl });
    const proxied = await startApiServer({ databaseUrl, env: { RODS_TRUSTED_PROXIES: "127.0.2.0/24" } });
    servers.push(direct, proxied);
    let n = 0;
    // A wrong guess at an account of its own each time (the per-account limit never comes into play), sent from a
    // chosen loopback address (Linux routes all of 127/8 to this machine), with whatever headers the client likes.
    const guess = (server: ApiServer, from: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
        const body = JSON.stringify({ email: `guess-${n++}@example.org`, password: "a guess" });
        const url = new URL(server.url);
        const req = http.request({ host: url.hostname, port: url.port, path: "/api/auth/sign-in", method: "POST", localAddress: from, headers: { "content-type": "application/json", ...headers } }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, ...(res.headers["retry-after"] ? { retryAfter: res.headers["retry-after"] } : {}) }));
        });
        req.on("error", reject);
        req.end(body);
      });
    const statusesOf = async (count: number, send: (i: number) => ReturnType<typeof guess>) => {
      const statuses: number[] = [];
      for (let i = 0; i < count; i++) {
        const answer = await send(i);
        if (answer.status === 429) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
        statuses.push(answer.status);
      }
      return statuses;
    };

    // Direct (the default): a new X-Forwarded-For, X-Real-IP and private address header on every guess change nothing;
    // the 20 free failures of the connecting address go, then it waits.
    const spoofed = await statusesOf(26, (i) => guess(direct, "127.0.1.1", { "x-forwarded-for": `192.0.2.${i + 1}`, "x-real-ip": `192.0.2.${i + 101}`, "x-rods-client-address": `192.0.2.${i + 201}` }));
    expect(spoofed.slice(0, 21)).toEqual(Array(21).fill(401));
    expect(spoofed.slice(21)).toContain(429);
    // Another connecting address is counted apart.
    expect((await guess(direct, "127.0.1.2", { "x-forwarded-for": "192.0.2.1" })).status).toBe(401);

    // Behind a trusted proxy (127.0.2.x): each client its own count. 26 clients once each all get their answer …
    expect(await statusesOf(26, (i) => guess(proxied, "127.0.2.1", { "x-forwarded-for": `198.51.100.${i + 1}` }))).toEqual(Array(26).fill(401));
    // … one client guessing 26 times waits after 21 (its entry is the right-most one; what it put left of it is ignored) …
    const one = await statusesOf(26, (i) => guess(proxied, "127.0.2.1", { "x-forwarded-for": `192.0.2.${i + 1}, 198.51.100.77` }));
    expect(one.slice(0, 21)).toEqual(Array(21).fill(401));
    expect(one.slice(21)).toContain(429);
    // … while the proxy's other clients go on.
    expect((await guess(proxied, "127.0.2.1", { "x-forwarded-for": "198.51.100.78" })).status).toBe(401);
    // A client outside the trusted range sending the header itself is counted by its own address.
    const outside = await statusesOf(26, (i) => guess(proxied, "127.0.1.3", { "x-forwarded-for": `198.51.100.${i + 101}` }));
    expect(outside.slice(0, 21)).toEqual(Array(21).fill(401));
    expect(outside.slice(21)).toContain(429);
  });

  it(`uses the migrated table ${SIGN_IN_LIMIT_TABLE} as the library lays it out`, async () => {
    const columns = await db.$queryRawUnsafe<{ column_name: string; data_type: string }[]>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      SIGN_IN_LIMIT_TABLE,
    );
    expect(columns).toEqual([
      { column_name: "key", data_type: "character varying" },
      { column_name: "points", data_type: "integer" },
      { column_name: "expire", data_type: "bigint" },
    ]);
  });
});
