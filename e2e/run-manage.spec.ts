import { expect, test } from "@playwright/test";
import { disconnectDb, getDb, type Db } from "../server/db";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../test/fixtures/synthetic-run";
import { signInViaApi } from "./helpers/auth";
import { requireE2eDatabaseUrl } from "./helpers/trpc-http";

// Run management on the monitor: "run again with these settings" opens the launch form prefilled, and delete asks
// with the counts of what goes (and says synthesized tasks stay) before the run disappears from the list.

const stamp = Date.now().toString(36);
const NAME = `e2e manage ${stamp}`;
let db: Db;
let run: SyntheticRun;
const givenDatabaseUrl = process.env.DATABASE_URL;

test.describe("run management", () => {
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    process.env.DATABASE_URL = requireE2eDatabaseUrl();
    db = getDb();
    run = await fillSyntheticRun({ db, steps: 6, tasks: 10, k: 4, epochs: 2, name: NAME, seed: 5, withRollouts: true, config: { beta: 0.35 } });
  });
  test.afterAll(async () => {
    if (db && run) await removeSyntheticRuns({ db, runs: [run] });
    await disconnectDb();
    // Specs share this worker process: the next one finds the e2e database as it would alone.
    if (givenDatabaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = givenDatabaseUrl;
  });

  test("times and event log on the monitor, tags filter the list, clone prefills the launch form, delete shows the counts and removes the run", async ({ page }) => {
    await signInViaApi(page);
    await page.goto(`/runs/${run.runId}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(NAME);

    // The header says when it ended and how long it took; the event log tells the run's story.
    await expect(page.getByTestId("run-times")).toContainText(/ended .* · took /);
    const log = page.getByTestId("event-log");
    await expect(log).toContainText("Run created");
    await expect(log).toContainText(/Epoch 1 closed after \d+ steps?/);
    await expect(log.locator("li").last()).toContainText("Run finished");

    // Tags: saved on the monitor, shown and filterable in the list.
    const tag = `e2e-${stamp}`;
    await page.getByLabel(/^Tags/).fill(tag);
    await page.getByRole("button", { name: "Save notes and tags" }).click();
    await expect(page.getByText("Saved.")).toBeVisible();
    await page.goto("/runs");
    await page.getByLabel("Filter by tag").selectOption(tag);
    await expect(page.getByRole("table", { name: "Runs" }).getByTestId("run-row")).toHaveCount(1);
    await expect(page.getByTestId("run-row").first()).toContainText(NAME);
    await expect(page.getByTestId("run-row").first().getByTestId("run-tag")).toHaveText(tag);
    await page.goto(`/runs/${run.runId}`);

    // Clone: the form starts from this run's settings, still editable.
    await page.getByRole("link", { name: `Run again with the settings of ${NAME}` }).click();
    await expect(page).toHaveURL(new RegExp(`/experiments/new\\?from=${run.runId}`));
    await expect(page.getByTestId("clone-source")).toContainText(NAME);
    await expect(page.getByLabel("Run name")).toHaveValue(`${NAME} (again)`);
    await expect(page.getByLabel("K (rollouts per task)", { exact: true })).toHaveValue("4");
    await expect(page.getByLabel("β (injection cap)", { exact: true })).toHaveValue("0.35");
    await expect(page.getByLabel("Random seed", { exact: true })).toHaveValue("5");
    const k = page.getByLabel("K (rollouts per task)", { exact: true });
    await k.fill("6");
    await expect(k).toHaveValue("6");

    // Delete: the dialog counts what goes, from the database.
    const counts = {
      steps: await db.step.count({ where: { runId: run.runId } }),
      rollouts: await db.rollout.count({ where: { runId: run.runId } }),
      kept: await db.synthesisAttempt.count({ where: { runId: run.runId, childTaskId: { not: null } } }),
    };
    expect(counts.rollouts).toBeGreaterThan(0);
    await page.goto(`/runs/${run.runId}`);
    await page.getByRole("button", { name: "Delete…" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete “${NAME}”?` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("delete-counts")).toContainText(`${counts.steps} step`);
    await expect(dialog.getByTestId("delete-counts")).toContainText(`${counts.rollouts.toLocaleString("en")} rollout`);
    await expect(dialog.getByTestId("delete-keeps")).toContainText(`${counts.kept} task`);
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await expect(dialog).toBeHidden();
    expect(await db.run.count({ where: { id: run.runId } })).toBe(1);

    await page.getByRole("button", { name: "Delete…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete the run" }).click();
    await expect(page).toHaveURL(/\/runs$/);
    await expect(page.getByRole("table", { name: "Runs" }).getByRole("row").filter({ hasText: NAME })).toHaveCount(0);
    expect(await db.run.count({ where: { id: run.runId } })).toBe(0);
    expect(await db.rollout.count({ where: { runId: run.runId } })).toBe(0);
    if (run.synthesizedTaskIds.length) expect(await db.task.count({ where: { id: { in: run.synthesizedTaskIds } } })).toBe(run.synthesizedTaskIds.length);
  });
});
