import { expect, test, type Page } from "@playwright/test";
import { signInViaApi } from "./helpers/auth";

// A manual-review run waits at its first epoch boundary with "waiting for review: N tasks" and a link; the tasks
// are approved in /review, and the run goes on and finishes.
const RUN_CONFIG = { mode: "rods", reviewPolicy: "manual", epochs: 2, k: 4, batchSize: 12, limitSeeds: 12, evalLimit: 8, seedQuotaPerCategory: 3, cooldownSteps: 0, seed: 5 };

async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(res.ok(), `${path}: HTTP ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("a manual-review run waits for review at the epoch boundary and continues after approvals", async ({ page }) => {
  test.setTimeout(420_000);
  await signInViaApi(page);
  const { id: runId } = await trpcMutation<{ id: string }>(page, "experiments.create", { name: "e2e review gate", config: RUN_CONFIG });

  await page.goto(`/runs/${runId}`);
  const banner = page.getByTestId("review-gate");
  await expect(banner).toContainText(/Waiting for review: \d+ tasks? before epoch 1 closes/, { timeout: 300_000 });
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await page.screenshot({ path: "test-results/screenshots/monitor-review-gate.png", fullPage: false });

  await banner.getByRole("link", { name: "Review them" }).click();
  await expect(page).toHaveURL(new RegExp(`/review\\?run=${runId}$`));
  const queue = page.getByRole("list", { name: "Pending tasks" });
  // Approve everything pending until the run moves on (synthesis of the last step may add a few more).
  await expect(async () => {
    await expect(queue.getByRole("listitem").first()).toBeVisible({ timeout: 5_000 });
    await page.getByRole("checkbox", { name: "Select all pending tasks" }).check();
    await page.getByRole("button", { name: /^Approve selected/ }).click();
    await expect(page.getByText("Nothing to review")).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });

  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });
  await expect(page.getByTestId("review-gate")).toHaveCount(0);
});
