import { expect, test } from "@playwright/test";

test.describe("task pool", () => {
  test("the health endpoint reports the database, a live worker and the task count", async ({ request }) => {
    await expect
      .poll(async () => (await (await request.get("/api/health")).json()) as Record<string, unknown>, { timeout: 120_000 })
      .toMatchObject({ status: "ok", db: "ok", worker: "ok" });
    const health = (await (await request.get("/api/health")).json()) as { tasks: number };
    // Other specs may have added synthesized tasks to the e2e database; the 800 seeds are always there.
    expect(health.tasks).toBeGreaterThanOrEqual(800);
  });

  test("lists the 800 BFCL tasks, filters them, and opens one", async ({ page }) => {
    // Seeds only: other specs may have added synthesized tasks to the e2e database.
    await page.goto("/tasks?origin=seed");
    await expect(page.getByTestId("match-count")).toHaveText("800 matching tasks", { timeout: 120_000 });
    await expect(page.getByRole("table", { name: "Tasks" }).getByRole("row")).toHaveCount(51);
    await page.getByLabel("Split").selectOption("train");
    await expect(page.getByTestId("match-count")).toHaveText("400 matching tasks");
    await page.getByLabel("Split").selectOption("");
    await expect(page.getByTestId("match-count")).toHaveText("800 matching tasks");

    await page.getByLabel("Category").selectOption("miss_func");
    await expect(page.getByTestId("match-count")).toHaveText("200 matching tasks");
    await page.getByLabel("Split").selectOption("test");
    await expect(page.getByTestId("match-count")).toHaveText("100 matching tasks");
    await page.getByLabel("API class").selectOption("TravelAPI");
    await expect(page.getByTestId("match-count")).not.toHaveText("100 matching tasks");
    await expect(page).toHaveURL(/category=miss_func/);
    await expect(page).toHaveURL(/class=TravelAPI/);
    const rows = page.getByRole("table", { name: "Tasks" }).getByRole("row");
    const count = await page.getByTestId("match-count").innerText();
    expect(Number(count.split(" ")[0])).toBeLessThan(100);
    for (const cell of await rows.locator("td:nth-child(2)").allInnerTexts()) expect(cell).toBe("miss_func");
    for (const cell of await rows.locator("td:nth-child(3)").allInnerTexts()) expect(cell).toBe("test");

    const first = rows.nth(1).getByRole("link");
    const externalId = await first.innerText();
    await first.click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(externalId);
    await expect(page.getByRole("region", { name: "Turn 1" })).toContainText("User:");
    await expect(page.getByRole("region", { name: "Turn 1" })).toContainText("Ground truth:");
    await expect(page.getByText(/held-back functions are released here/)).toBeVisible();
    await expect(page.getByLabel("Initial configuration")).toContainText("TravelAPI");
    await page.screenshot({ path: "test-results/screenshots/task-detail.png", fullPage: true });
  });

  test("pages through the list and shows a clear state for unknown tasks and empty filters", async ({ page }) => {
    await page.goto("/tasks?origin=seed&category=base");
    await expect(page.getByText("Page 1 of 4")).toBeVisible({ timeout: 120_000 });
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByText("Page 2 of 4")).toBeVisible();
    await expect(page).toHaveURL(/page=2/);

    await page.goto("/tasks?origin=imported");
    await expect(page.getByText("No task matches these filters")).toBeVisible();

    const unknown = await page.goto("/tasks/does-not-exist");
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such task");
    await expect(page.getByRole("link", { name: "Search the tasks" })).toBeVisible();
  });
});
