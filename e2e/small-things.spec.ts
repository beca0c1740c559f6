// Small things users notice: unknown runs and tasks answer HTTP 404 with a helpful page, /metrics serves the
// Prometheus text format from the built app (tRPC calls timed in the same registry), dark mode follows the system
// setting, and the API-key page says what each scope allows.
import { expect, test } from "@playwright/test";
import { signInViaApi } from "./helpers/auth";

test.describe("small things", () => {
  test("unknown runs, tasks and studies answer 404 with a page that links back", async ({ page }) => {
    const run = await page.goto("/runs/no-such-run-id");
    expect(run?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such run");
    await expect(page.locator("main").getByRole("link", { name: "See all runs" })).toHaveAttribute("href", "/runs");

    const task = await page.goto("/tasks/no-such-task-id");
    expect(task?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such task");

    // Even an id longer than any stored one: the page, not a validation message.
    const study = await page.goto(`/studies/${"x".repeat(150)}`);
    expect(study?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such study");
    await expect(page.locator("main").getByRole("link", { name: "See all studies" })).toHaveAttribute("href", "/studies");

    const other = await page.goto("/no-such-page");
    expect(other?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  });

  test("/metrics answers in the Prometheus format and times tRPC calls", async ({ page, request }) => {
    await page.goto("/runs");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const res = await request.get("/metrics");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("# TYPE rods_run_rollouts_total counter");
    expect(text).toMatch(/^rods_metrics_database_up 1$/m);
    expect(text).toMatch(/^rods_queue_jobs\{queue="run-advance",state="created"\} \d+$/m);
    // The runs page's tRPC calls were served by another route bundle; they are in the same registry.
    expect(text).toMatch(/^rods_http_request_duration_seconds_count\{surface="trpc",method="GET",route="[\w.]+",status="200"\} [1-9]\d*$/m);
  });

  test("dark mode follows the system setting", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/runs");
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await background()).toBe("rgb(247, 248, 250)");
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await background()).toBe("rgb(13, 17, 23)");
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).color)).toBe("rgb(230, 237, 243)");
  });

  test("the API-key page says what each scope allows", async ({ page }) => {
    await signInViaApi(page);
    await page.goto("/settings/api-keys");
    await expect(page.getByRole("checkbox", { name: /^runs:read Read runs.*scrape \/metrics/ })).toBeVisible();
    await expect(page.getByRole("checkbox", { name: /^trainer Trainer protocol/ })).toBeVisible();
    await expect(page.getByRole("checkbox", { name: /^tasks:write Import tasks and review/ })).toBeVisible();
  });
});
