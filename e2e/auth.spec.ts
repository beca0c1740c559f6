import { expect, test } from "@playwright/test";
import { E2E_ADMIN, signInViaApi } from "./helpers/auth";

test.describe("sign-in and API keys", () => {
  test("signs in through the form, creates an API key, uses it, revokes it and signs out", async ({ page, request }) => {
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Email or password is wrong." })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);

    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("API keys");
    await expect(page.getByTestId("signed-in-user")).toHaveText(E2E_ADMIN.name);

    const name = `e2e trainer ${Date.now()}`;
    await page.getByLabel("Key name").fill(name);
    await page.getByRole("checkbox", { name: /^trainer/ }).check();
    await page.getByRole("checkbox", { name: /^runs:read/ }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByTestId("new-api-key");
    await expect(shown).toHaveText(/^rods_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const key = await shown.innerText();
    await expect(page.getByRole("region", { name: "New API key" }).getByRole("button", { name: "Copy" })).toBeVisible();

    const row = page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: name });
    const prefix = key.slice("rods_".length, "rods_".length + 8);
    await expect(row).toContainText(`rods_${prefix}_…`);
    await expect(row).toContainText("trainer");
    await expect(row).toContainText("active");
    await expect(row).not.toContainText(key.slice(`rods_${prefix}_`.length)); // the secret (base64url: may contain "_")

    // The key works for a script until it is revoked.
    const asKey = { headers: { Authorization: `Bearer ${key}` } };
    const me = await request.get("/api/auth/me", asKey);
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ via: "apiKey", user: { email: E2E_ADMIN.email } });

    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    await expect(row).toContainText("revoked");
    await expect(row.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);
    expect((await request.get("/api/auth/me", asKey)).status()).toBe(401);

    // Shown once: after a reload only the prefix is left.
    await page.reload();
    await expect(page.getByRole("table", { name: "API keys" })).toContainText(name);
    await expect(page.getByTestId("new-api-key")).toHaveCount(0);
    await expect(page.getByText(key)).toHaveCount(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
    await expect(page.getByTestId("signed-in-user")).toHaveCount(0);
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(/\/sign-in\?next=/);
  });

  test("signInViaApi signs a page in without the form; anonymous changes are refused", async ({ page, request }) => {
    const anonymous = await request.post("/api/trpc/auth.apiKeys.create", { data: { json: { name: "x", scopes: ["runs:read"] } } });
    expect(anonymous.status()).toBe(401);
    expect(JSON.stringify(await anonymous.json())).toContain("Sign in to do this.");

    const user = await signInViaApi(page);
    expect(user).toMatchObject({ email: E2E_ADMIN.email, role: "admin" });
    await page.goto("/settings/api-keys");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("API keys");
    await expect(page.getByTestId("signed-in-user")).toHaveText(E2E_ADMIN.name);
  });
});
