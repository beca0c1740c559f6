// Signing in for specs: through the API (fast, no form), as the admin the e2e server creates on first start.
import { expect, type APIRequestContext, type Page } from "@playwright/test";

/** The e2e server's admin: scripts/e2e-server.ts passes this password as RODS_ADMIN_PASSWORD. */
export const E2E_ADMIN = { email: "admin@rods.local", name: "Admin", password: process.env.RODS_ADMIN_PASSWORD ?? "rods-e2e-admin-password" };

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member" | "viewer";
}

/**
 * Signs in through POST /api/auth/sign-in. With a page, the session cookie lands in the page's browser context
 * (page.request shares it); with a request context, later calls on that context are signed in.
 */
export async function signInViaApi(
  target: Page | APIRequestContext,
  credentials: { email: string; password: string } = E2E_ADMIN,
): Promise<SignedInUser> {
  const request = "request" in target ? target.request : target;
  const res = await request.post("/api/auth/sign-in", { data: { email: credentials.email, password: credentials.password } });
  expect(res.ok(), `sign-in as ${credentials.email} failed: HTTP ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { user: SignedInUser }).user;
}
