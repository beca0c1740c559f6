// tRPC over plain HTTP for security specs: the wire format the browser client uses (superjson envelope),
// so a test sees exactly the status codes and messages any other caller would.
import { execFileSync } from "node:child_process";
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { readRuntimeInfo } from "../../server/platform/runtime-file";
import { E2E_ADMIN, signInViaApi } from "./auth";

export const BASE_URL = `http://localhost:${process.env.E2E_PORT ?? 3100}`;

export async function callTrpc(ctx: APIRequestContext, name: string, type: "query" | "mutation", input: unknown, extra: { raw?: unknown; headers?: Record<string, string> } = {}): Promise<APIResponse> {
  const envelope = extra.raw !== undefined ? extra.raw : { json: input };
  if (type === "query") return ctx.get(`/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify(envelope))}`, { headers: extra.headers });
  return ctx.post(`/api/trpc/${name}`, { data: envelope, headers: { "content-type": "application/json", ...extra.headers } });
}

export async function trpcJson(res: APIResponse): Promise<{ data?: unknown; message?: string }> {
  const body = (await res.json().catch(() => null)) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string }; message?: string } } | null;
  return { data: body?.result?.data?.json, message: body?.error?.json?.message ?? body?.error?.message };
}

/**
 * The e2e server's own database: its runtime file (embedded), else rods_e2e_test on DATABASE_URL's server. Other
 * specs may have pointed DATABASE_URL of this worker at that database already; both ways end at the same place.
 */
export function e2eDatabaseUrl(): string | undefined {
  const running = readRuntimeInfo(".rods/e2e");
  if (running) return running.databaseUrl;
  if (!process.env.DATABASE_URL) return undefined;
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = "/rods_e2e_test";
  return url.toString();
}

/** The e2e server's database for specs that write their own rows; throws when the server has not started. */
export function requireE2eDatabaseUrl(): string {
  const url = e2eDatabaseUrl();
  if (!url) throw new Error("Cannot find the e2e server's database: .rods/e2e/runtime.json is missing (scripts/e2e-server.ts writes it).");
  return url;
}

/** The environment of a CLI command (`npm run rods -- …`) that should act on the e2e server's database. */
export function e2eCliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RODS_HOME: ".rods/e2e" };
  const databaseUrl = e2eDatabaseUrl();
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

/** A user made through the CLI (`npm run rods -- user create`) against the e2e server's database. */
export function createUserViaCli({ email, name, password, role }: { email: string; name: string; password: string; role: "admin" | "member" | "viewer" }) {
  const flags = role === "admin" ? ["--admin"] : role === "viewer" ? ["--viewer"] : [];
  execFileSync("npx", ["tsx", "scripts/rods.ts", "user", "create", "--email", email, "--name", name, "--password", password, ...flags], { env: e2eCliEnv(), stdio: "pipe" });
}

export type Role = "anonymous" | "viewer" | "member" | "admin";

/** One signed-in request context per role (fresh users each run, so specs can run against a reused server). */
export async function contextsByRole(): Promise<Record<Role, APIRequestContext> & { member2: APIRequestContext; users: Record<string, { email: string; password: string; id?: string }> }> {
  const stamp = Date.now().toString(36);
  const users = {
    viewer: { email: `viewer-${stamp}@e2e.local`, password: "viewer-password-1", name: "E2E Viewer" },
    member: { email: `member-${stamp}@e2e.local`, password: "member-password-1", name: "E2E Member" },
    member2: { email: `member2-${stamp}@e2e.local`, password: "member2-password-1", name: "E2E Member Two" },
  };
  createUserViaCli({ ...users.viewer, role: "viewer" });
  createUserViaCli({ ...users.member, role: "member" });
  createUserViaCli({ ...users.member2, role: "member" });
  const make = () => playwrightRequest.newContext({ baseURL: BASE_URL });
  const [anonymous, viewer, member, member2, admin] = await Promise.all([make(), make(), make(), make(), make()]);
  const ids: Record<string, string> = {};
  ids.viewer = (await signInViaApi(viewer, users.viewer)).id;
  ids.member = (await signInViaApi(member, users.member)).id;
  ids.member2 = (await signInViaApi(member2, users.member2)).id;
  await signInViaApi(admin, E2E_ADMIN);
  return {
    anonymous,
    viewer,
    member,
    member2,
    admin,
    users: { viewer: { ...users.viewer, id: ids.viewer }, member: { ...users.member, id: ids.member }, member2: { ...users.member2, id: ids.member2 } },
  };
}
