import { createHash } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb } from "../db";
import { AppError } from "../errors";
import { resetData, testDb } from "../../test/db";
import {
  DEFAULT_ADMIN_EMAIL,
  SESSION_TTL_MS,
  authenticateApiKey,
  bootstrapAdminIfNone,
  createApiKey,
  createUser,
  ensureAdmin,
  hashPassword,
  listApiKeys,
  revokeApiKey,
  sessionUser,
  sessionExpiry,
  signIn,
  signOut,
  verifyPassword,
} from "./auth-service";

const db = testDb();
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const ada = { email: "ada@example.org", name: "Ada", password: "correct horse battery" };

describe("auth service", () => {
  beforeEach(() => resetData(db));
  afterAll(() => disconnectDb());

  describe("passwords", () => {
    it("salts every hash and checks passwords against it", async () => {
      const first = await hashPassword("s3cret-password");
      const second = await hashPassword("s3cret-password");
      expect(first).not.toContain("s3cret-password");
      expect(first).not.toBe(second);
      expect(first).toMatch(/^scrypt\$\d+\$\d+\$\d+\$/);
      expect(await verifyPassword({ password: "s3cret-password", hash: first })).toBe(true);
      expect(await verifyPassword({ password: "s3cret-password", hash: second })).toBe(true);
      expect(await verifyPassword({ password: "s3cret-passwore", hash: first })).toBe(false);
      expect(await verifyPassword({ password: "s3cret-password", hash: "not a hash" })).toBe(false);
    });

    it("stores only the hash, normalises the email and refuses a second account with it", async () => {
      const user = await createUser({ db, ...ada, email: " Ada@Example.ORG " });
      expect(user).toMatchObject({ email: "ada@example.org", name: "Ada", role: "member" });
      expect(user).not.toHaveProperty("passwordHash");
      const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
      expect(stored.passwordHash).not.toContain(ada.password);
      expect(await verifyPassword({ password: ada.password, hash: stored.passwordHash })).toBe(true);
      expect((await appErrorOf(createUser({ db, ...ada }))).code).toBe("CONFLICT");
      expect((await appErrorOf(createUser({ db, ...ada, email: "short@example.org", password: "short" }))).code).toBe("BAD_REQUEST");
    });
  });

  describe("sessions", () => {
    it("signs in with the right password and gives the same answer for a wrong password and an unknown email", async () => {
      const user = await createUser({ db, ...ada });
      const now = new Date("2030-01-01T00:00:00Z");
      const session = await signIn({ db, email: "ADA@example.org", password: ada.password, now });
      expect(session.user).toEqual(user);
      expect(session.expiresAt.getTime()).toBe(now.getTime() + SESSION_TTL_MS);
      const stored = await db.session.findFirstOrThrow({ where: { userId: user.id }, omit: { tokenHash: false } });
      expect(stored.tokenHash).toBe(sha256(session.token));
      expect(stored.tokenHash).not.toBe(session.token);

      const wrong = await appErrorOf(signIn({ db, email: ada.email, password: "wrong password" }));
      const unknown = await appErrorOf(signIn({ db, email: "nobody@example.org", password: ada.password }));
      expect([wrong.code, wrong.message]).toEqual(["UNAUTHORIZED", "Email or password is wrong."]);
      expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    });

    it("resolves a session until it expires, then forgets it", async () => {
      await createUser({ db, ...ada });
      const start = new Date();
      const { token, expiresAt } = await signIn({ db, email: ada.email, password: ada.password, now: start });
      // The user-free check agrees (what the web process's read cache asks).
      expect(await sessionExpiry({ db, token, now: new Date(expiresAt.getTime() - 1000) })).toEqual(expiresAt);
      expect(await sessionExpiry({ db, token: `${token}x` })).toBeNull();
      expect(await sessionExpiry({ db, token, now: new Date(expiresAt.getTime() + 1) })).toBeNull();
      expect((await sessionUser({ db, token, now: new Date(expiresAt.getTime() - 1000) }))?.email).toBe(ada.email);
      expect(await sessionUser({ db, token: `${token}x` })).toBeNull();
      expect(await sessionUser({ db, token: undefined })).toBeNull();
      expect(await sessionUser({ db, token, now: new Date(expiresAt.getTime() + 1) })).toBeNull();
      expect(await db.session.count()).toBe(0);
      expect(await sessionUser({ db, token, now: start })).toBeNull();
    });

    it("signs out one session and leaves the user's other sessions alive", async () => {
      await createUser({ db, ...ada });
      const laptop = await signIn({ db, email: ada.email, password: ada.password });
      const phone = await signIn({ db, email: ada.email, password: ada.password });
      expect(laptop.token).not.toBe(phone.token);
      await signOut({ db, token: laptop.token });
      expect(await sessionUser({ db, token: laptop.token })).toBeNull();
      expect((await sessionUser({ db, token: phone.token }))?.email).toBe(ada.email);
    });
  });

  describe("API keys", () => {
    it("shows a key once, stores only its hash and lists keys without secrets", async () => {
      const user = await createUser({ db, ...ada });
      const created = await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["runs:read", "trainer"] });
      expect(created.key).toMatch(/^rods_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      expect(created.key.startsWith(`rods_${created.prefix}_`)).toBe(true);
      const stored = await db.apiKey.findUniqueOrThrow({ where: { id: created.id }, omit: { keyHash: false } });
      expect(stored.keyHash).toBe(sha256(created.key));

      const listed = await listApiKeys({ db, userId: user.id });
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ id: created.id, name: "trainer", prefix: created.prefix, scopes: ["runs:read", "trainer"], lastUsedAt: null, revokedAt: null });
      expect(Object.keys(listed[0]!)).not.toContain("keyHash");
      // The secret after "rods_<prefix>_" (base64url: it may itself start with or contain "_").
      expect(JSON.stringify(listed)).not.toContain(created.key.slice(`rods_${created.prefix}_`.length));

      expect((await appErrorOf(createApiKey({ db, userId: user.id, name: "bad", scopes: ["everything"] }))).code).toBe("BAD_REQUEST");
      expect((await appErrorOf(createApiKey({ db, userId: user.id, name: "none", scopes: [] }))).code).toBe("BAD_REQUEST");
    });

    it("lets a key do what its scopes allow (write includes read) and nothing else", async () => {
      const user = await createUser({ db, ...ada });
      const { key } = await createApiKey({ db, userId: user.id, name: "runs", scopes: ["runs:write"] });
      expect((await authenticateApiKey({ db, key, scope: "runs:write" })).id).toBe(user.id);
      expect((await authenticateApiKey({ db, key, scope: "runs:read" })).id).toBe(user.id);
      const forbidden = await appErrorOf(authenticateApiKey({ db, key, scope: "tasks:read" }));
      expect(forbidden.code).toBe("FORBIDDEN");
      expect(forbidden.message).toContain("tasks:read");
      expect((await appErrorOf(authenticateApiKey({ db, key, scope: "trainer" }))).code).toBe("FORBIDDEN");

      const { key: readOnly } = await createApiKey({ db, userId: user.id, name: "reader", scopes: ["runs:read"] });
      expect((await appErrorOf(authenticateApiKey({ db, key: readOnly, scope: "runs:write" }))).code).toBe("FORBIDDEN");
    });

    it("refuses a key after it expires, with a message saying so", async () => {
      const user = await createUser({ db, email: "expiring@example.org", name: "Expiring", password: "expiring password" });
      const now = new Date("2026-01-01T00:00:00Z");
      const { key, apiKey } = await createApiKey({ db, userId: user.id, name: "short", scopes: ["runs:read"], expiresInDays: 7, now });
      expect(apiKey.expiresAt?.toISOString()).toBe("2026-01-08T00:00:00.000Z");
      expect((await authenticateApiKey({ db, key, scope: "runs:read", now: new Date("2026-01-07T23:59:00Z") })).id).toBe(user.id);
      const error = await appErrorOf(authenticateApiKey({ db, key, scope: "runs:read", now: new Date("2026-01-08T00:00:01Z") }));
      expect(error.code).toBe("UNAUTHORIZED");
      expect(error.message).toMatch(/expired/);
      const forever = await createApiKey({ db, userId: user.id, name: "forever", scopes: ["runs:read"] });
      expect(forever.apiKey.expiresAt).toBeNull();
    });

    it("refuses malformed, unknown and revoked keys", async () => {
      const user = await createUser({ db, ...ada });
      const { key, id } = await createApiKey({ db, userId: user.id, name: "ci", scopes: ["tasks:read"] });
      const unknown = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
      expect((await appErrorOf(authenticateApiKey({ db, key: unknown, scope: "tasks:read" }))).code).toBe("UNAUTHORIZED");
      expect((await appErrorOf(authenticateApiKey({ db, key: "rods_nothing", scope: "tasks:read" }))).code).toBe("UNAUTHORIZED");

      const mallory = await createUser({ db, email: "mallory@example.org", name: "Mallory", password: "mallory's password" });
      expect((await appErrorOf(revokeApiKey({ db, userId: mallory.id, id }))).code).toBe("NOT_FOUND");
      expect((await authenticateApiKey({ db, key, scope: "tasks:read" })).id).toBe(user.id);

      const revoked = await revokeApiKey({ db, userId: user.id, id });
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      const error = await appErrorOf(authenticateApiKey({ db, key, scope: "tasks:read" }));
      expect(error.code).toBe("UNAUTHORIZED");
      expect(error.message).toContain("revoked");
      expect((await listApiKeys({ db, userId: user.id }))[0]?.revokedAt).toEqual(revoked.revokedAt);
    });

    it("records when a key was last used, and not when it was refused", async () => {
      const user = await createUser({ db, ...ada });
      const { key, id } = await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer"] });
      await appErrorOf(authenticateApiKey({ db, key, scope: "runs:read" }));
      expect((await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
      const at = new Date("2031-05-06T07:08:09Z");
      await authenticateApiKey({ db, key, scope: "trainer", now: at });
      expect((await listApiKeys({ db, userId: user.id }))[0]?.lastUsedAt).toEqual(at);
    });
  });

  describe("first run", () => {
    it("creates admin@rods.local once, with RODS_ADMIN_PASSWORD when given", async () => {
      const logs: string[] = [];
      expect(await bootstrapAdminIfNone({ db, log: (m) => logs.push(m), adminPassword: "ci-admin-password" })).toEqual({ isCreated: true });
      expect(logs.join("\n")).not.toContain("ci-admin-password");
      const { user } = await signIn({ db, email: DEFAULT_ADMIN_EMAIL, password: "ci-admin-password" });
      expect(user.role).toBe("admin");
      expect(await bootstrapAdminIfNone({ db, log: (m) => logs.push(m), adminPassword: "another-password" })).toEqual({ isCreated: false });
      expect(await db.user.count()).toBe(1);
      await appErrorOf(signIn({ db, email: DEFAULT_ADMIN_EMAIL, password: "another-password" }));
    });

    it("without a password, prints a random one that signs in", async () => {
      const logs: string[] = [];
      await bootstrapAdminIfNone({ db, log: (m) => logs.push(m), adminPassword: undefined });
      expect(logs).toHaveLength(1);
      const password = /password (\S+)/.exec(logs[0]!)?.[1];
      expect(password).toBeDefined();
      expect((await signIn({ db, email: DEFAULT_ADMIN_EMAIL, password: password! })).user.role).toBe("admin");
    });

    it("does nothing when any user exists, and ensureAdmin promotes an account with a new password", async () => {
      await createUser({ db, ...ada });
      expect(await bootstrapAdminIfNone({ db, log: () => {}, adminPassword: "ci-admin-password" })).toEqual({ isCreated: false });
      expect(await db.user.findUnique({ where: { email: DEFAULT_ADMIN_EMAIL } })).toBeNull();
      const { user, isCreated } = await ensureAdmin({ db, email: ada.email, password: "a brand new password" });
      expect([user.role, isCreated]).toEqual(["admin", false]);
      await appErrorOf(signIn({ db, email: ada.email, password: ada.password }));
      expect((await signIn({ db, email: ada.email, password: "a brand new password" })).user.id).toBe(user.id);
    });
  });
});
