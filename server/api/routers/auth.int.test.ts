import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../db";
import { resetData, testDb } from "../../../test/db";
import { authenticateApiKey, createUser, signIn } from "../../services/auth-service";
import { SESSION_COOKIE } from "../auth-http";
import { createCaller } from "../root";
import { adminProcedure, createCallerFactory, createContext, createTRPCRouter, publicProcedure } from "../trpc";

const db = testDb();

async function trpcErrorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("auth router and procedures", () => {
  let token = "";
  beforeAll(async () => {
    await resetData(db);
    await createUser({ db, email: "ada@example.org", name: "Ada", password: "ada's password" });
    await createUser({ db, email: "root@example.org", name: "Root", password: "root's password", role: "admin" });
    ({ token } = await signIn({ db, email: "ada@example.org", password: "ada's password" }));
  });
  afterAll(() => disconnectDb());

  it("resolves the user from the session cookie, and nobody without one", async () => {
    const signedIn = await createContext({ headers: new Headers({ cookie: `theme=dark; ${SESSION_COOKIE}=${token}` }) });
    expect(await createCaller(signedIn).auth.me()).toMatchObject({ email: "ada@example.org", name: "Ada", role: "member" });
    const anonymous = await createContext({ headers: new Headers() });
    expect(await createCaller(anonymous).auth.me()).toBeNull();
    const forged = await createContext({ headers: new Headers({ cookie: `${SESSION_COOKIE}=forged` }) });
    expect(forged.user).toBeNull();
  });

  it("refuses API-key management to anonymous callers with a message saying what to do", async () => {
    const caller = createCaller({ db, headers: new Headers() });
    const error = await trpcErrorOf(caller.auth.apiKeys.list());
    expect([error.code, error.message]).toEqual(["UNAUTHORIZED", "Sign in to do this."]);
    expect((await trpcErrorOf(caller.auth.apiKeys.create({ name: "k", scopes: ["runs:read"] }))).code).toBe("UNAUTHORIZED");
  });

  it("creates, lists and revokes the caller's own keys", async () => {
    const ctx = await createContext({ headers: new Headers({ cookie: `${SESSION_COOKIE}=${token}` }) });
    const caller = createCaller(ctx);
    const created = await caller.auth.apiKeys.create({ name: "trainer", scopes: ["trainer"] });
    expect(Object.keys(created).sort()).toEqual(["id", "key", "prefix"]);
    expect((await caller.auth.apiKeys.list()).map((k) => k.name)).toEqual(["trainer"]);
    expect((await trpcErrorOf(caller.auth.apiKeys.create({ name: "x", scopes: ["root" as "trainer"] }))).code).toBe("BAD_REQUEST");

    const root = createCaller({ db, headers: new Headers(), user: await db.user.findUniqueOrThrow({ where: { email: "root@example.org" } }) });
    expect(await root.auth.apiKeys.list()).toEqual([]);
    expect((await trpcErrorOf(root.auth.apiKeys.revoke({ id: created.id }))).code).toBe("NOT_FOUND");

    await caller.auth.apiKeys.revoke({ id: created.id });
    expect((await caller.auth.apiKeys.list())[0]?.revokedAt).toBeInstanceOf(Date);
    await expect(authenticateApiKey({ db, key: created.key, scope: "trainer" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("lets no anonymous mutation through, even on a public procedure, and keeps admin procedures to admins", async () => {
    const probe = createTRPCRouter({ change: publicProcedure.mutation(() => "changed"), look: publicProcedure.query(() => "seen"), manage: adminProcedure.query(() => "managed") });
    const callerOf = createCallerFactory(probe);
    const anonymous = callerOf({ db, headers: new Headers() });
    expect(await anonymous.look()).toBe("seen");
    expect((await trpcErrorOf(anonymous.change())).code).toBe("UNAUTHORIZED");
    expect((await trpcErrorOf(anonymous.manage())).code).toBe("UNAUTHORIZED");
    const member = callerOf({ db, headers: new Headers(), user: await db.user.findUniqueOrThrow({ where: { email: "ada@example.org" } }) });
    expect(await member.change()).toBe("changed");
    expect((await trpcErrorOf(member.manage())).code).toBe("FORBIDDEN");
    const admin = callerOf({ db, headers: new Headers(), user: await db.user.findUniqueOrThrow({ where: { email: "root@example.org" } }) });
    expect(await admin.manage()).toBe("managed");
  });
});
