import { expect, test, type Page } from "@playwright/test";
import { disconnectDb, getDb, type Db } from "../server/db";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../test/fixtures/synthetic-run";
import { signInViaApi } from "./helpers/auth";
import { requireE2eDatabaseUrl } from "./helpers/trpc-http";

// Runs are written straight into the e2e server's database by the synthetic-run fixture (no worker involved), and
// removed afterwards so other specs see the database as they left it.

const givenDatabaseUrl = process.env.DATABASE_URL;
const stamp = Date.now().toString(36);
const NAMES = { rods: `e2e rods ${stamp}`, static: `e2e static ${stamp}`, live: `e2e live ${stamp}`, queued: `e2e queued ${stamp}` };
let db: Db;
const runs: Record<keyof typeof NAMES, SyntheticRun> = {} as Record<keyof typeof NAMES, SyntheticRun>;

const MONITOR_CHARTS = [
  "Distribution of r̄ per task",
  "Distribution of reward variance per task",
  "Tasks by r̄ and variance",
  "Informative fraction, mean φ and gradient concentration",
  "Held-out score over training",
  "Region occupancy: seed tasks",
  "Region occupancy: synthesized tasks",
  "Injected per epoch vs the β cap",
  "Retired per epoch, by reason",
  "Synthesized tasks in the pool vs P_max",
  "Synthesis funnel",
  "Synthesis errors by type",
  "Where injected tasks landed",
  "Infrastructure failures per step",
  "Tokens per step",
];

/** A chart drawn with data: its figure is named "<title>. <summary>" and holds a recharts surface with marks. */
async function expectChart(page: Page, title: string, marks: string) {
  const figure = page.getByRole("img", { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\. .*\\d`) });
  await expect(figure).toBeVisible();
  await expect(figure.locator(".recharts-surface").first()).toBeVisible();
  expect(await figure.locator(marks).count(), `${title}: drawn marks`).toBeGreaterThan(0);
}

test.describe("runs and the monitor", () => {
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    process.env.DATABASE_URL = requireE2eDatabaseUrl();
    db = getDb();
    runs.rods = await fillSyntheticRun({ db, steps: 40, tasks: 120, k: 8, epochs: 5, name: NAMES.rods, seed: 7 });
    runs.static = await fillSyntheticRun({ db, steps: 40, tasks: 120, k: 8, epochs: 5, mode: "static", name: NAMES.static, seed: 7, config: { evalEveryEpochs: 2 } });
    runs.live = await fillSyntheticRun({ db, steps: 30, tasks: 40, k: 4, epochs: 3, stepsDone: 5, name: NAMES.live });
    runs.queued = await fillSyntheticRun({ db, steps: 30, tasks: 40, k: 4, epochs: 3, stepsDone: 0, status: "queued", name: NAMES.queued });
  });

  test.afterAll(async () => {
    if (db) await removeSyntheticRuns({ db, runs: Object.values(runs) });
    await disconnectDb();
    // Specs share this worker process: the next one finds the e2e database as it would alone.
    if (givenDatabaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = givenDatabaseUrl;
  });

  test("lists runs and opens the monitor with every chart drawn; the step slider and Play move through steps", async ({ page }) => {
    await page.goto("/runs");
    const table = page.getByRole("table", { name: "Runs" });
    const row = table.getByRole("row").filter({ hasText: NAMES.rods });
    await expect(row).toContainText("completed");
    await expect(row).toContainText("40 of 40 steps");
    await expect(row).toContainText(/\d+ %/);
    await expect(table.getByRole("row").filter({ hasText: NAMES.live })).toContainText("5 of 30 steps");
    await page.screenshot({ path: "test-results/screenshots/runs.png", fullPage: true });
    // The tab shows RODS's icon (app/icon.svg, linked by Next from every page).
    const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(icon).toMatch(/^\/icon\.svg/);
    expect((await page.request.get(icon!)).headers()["content-type"]).toContain("image/svg+xml");

    await row.getByRole("link", { name: NAMES.rods }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(NAMES.rods);
    await expect(page.getByTestId("steps-done")).toHaveText("40 of 40");
    await expect(page.getByRole("region", { name: "Settings" })).toContainText("K (rollouts per task)");
    for (const title of MONITOR_CHARTS) await expect(page.getByRole("region", { name: title })).toBeVisible();

    await expectChart(page, "Distribution of r̄ per task", ".recharts-bar-rectangle");
    await expectChart(page, "Distribution of reward variance per task", ".recharts-bar-rectangle");
    await expectChart(page, "Tasks by r̄ and variance", ".recharts-scatter-symbol");
    await expectChart(page, "Informative fraction, mean φ and gradient concentration", ".recharts-line-curve");
    await expectChart(page, "Held-out score over training", ".recharts-line-curve");
    await expectChart(page, "Region occupancy: seed tasks", ".recharts-area-area");
    await expectChart(page, "Region occupancy: synthesized tasks", ".recharts-area-area");
    await expectChart(page, "Injected per epoch vs the β cap", ".recharts-bar-rectangle");
    await expectChart(page, "Retired per epoch, by reason", ".recharts-bar-rectangle");
    await expectChart(page, "Synthesized tasks in the pool vs P_max", ".recharts-bar-rectangle");
    await expectChart(page, "Synthesis funnel", ".recharts-bar-rectangle");
    await expectChart(page, "Synthesis errors by type", ".recharts-bar-rectangle");
    await expectChart(page, "Where injected tasks landed", ".recharts-bar-rectangle");
    await expectChart(page, "Tokens per step", ".recharts-line-curve");
    await expect(page.getByRole("img", { name: /^Synthesis funnel\. attempted \d+, planned \d+/ })).toBeVisible();

    // The slider starts at the newest step; moving it re-draws the distribution for the chosen step.
    const slider = page.getByRole("slider", { name: "Step" });
    await expect(page.getByTestId("slider-step")).toHaveText("step 40 of 40");
    await slider.fill("9"); // the slider moves through positions: the 10th finished step is step 10
    await expect(page.getByTestId("slider-step")).toHaveText("step 10 of 40");
    await expect(page.getByRole("heading", { level: 2, name: /^Tasks at step 10 \(epoch 2\)/ })).toBeVisible();
    await expect(page.getByRole("img", { name: /^Distribution of r̄ per task\. 120 tasks at step 10/ })).toBeVisible();
    await page.getByRole("button", { name: "Play through the steps" }).click();
    await expect(page.getByTestId("slider-step")).toHaveText(/step 1[2-9] of 40/);
    await page.getByRole("button", { name: "Pause playback" }).click();
    await slider.fill("19");
    await expect(page.getByRole("img", { name: /^Distribution of r̄ per task\. 120 tasks at step 20/ })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/monitor.png", fullPage: true });
  });

  test("a live run gains steps without a reload, and a signed-in user can pause and cancel it", async ({ page }) => {
    const trpcCalls: string[][] = [];
    page.on("request", (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.startsWith("/api/trpc/")) trpcCalls.push(pathname.slice("/api/trpc/".length).split(","));
    });
    await page.goto(`/runs/${runs.live.runId}`);
    await expect(page.getByTestId("steps-done")).toHaveText("5 of 30");
    await expect(page.getByTestId("eta")).toHaveText(/^about /);

    // The next step finishes (written as the driver would: the step and the run's current step in one transaction),
    // and the monitor shows it within a few seconds: the header's count, then the series it fetches again on that.
    const next = await db.step.findUniqueOrThrow({ where: { runId_index: { runId: runs.live.runId, index: 4 } } });
    const closeStep = db.step.update({
      where: { runId_index: { runId: runs.live.runId, index: 5 } },
      data: {
        status: "done",
        finishedAt: new Date(),
        numTasks: next.numTasks,
        numRollouts: next.numRollouts,
        informativeFraction: 0.5,
        meanPhi: 0.5,
        gradConcentration: 0.2,
        meanReward: 0.5,
        regions: next.regions ?? undefined,
      },
    });
    await db.$transaction([closeStep, db.run.update({ where: { id: runs.live.runId }, data: { currentStep: 6 } })]);
    await expect(page.getByTestId("steps-done")).toHaveText("6 of 30", { timeout: 15_000 });
    await expect(page.getByTestId("slider-step")).toHaveText("step 6 of 30");
    // The live page polls from one clock: the header, the step plan and the review gate in one request per tick.
    const polls = () => trpcCalls.filter((calls) => calls.includes("runs.get")).slice(1); // after the first load
    await expect.poll(() => polls().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    for (const calls of polls()) expect(calls).toEqual(expect.arrayContaining(["runs.get", "runs.stepPlan", "review.gate"]));

    // Anonymous changes are refused with a message; signed in they go through.
    await page.getByRole("button", { name: `Pause ${NAMES.live}` }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Sign in to do this." })).toBeVisible();
    await signInViaApi(page);
    await page.reload();
    await page.getByRole("button", { name: `Pause ${NAMES.live}` }).click();
    await expect(page.getByTestId("run-status")).toHaveText("paused");
    await expect(page.getByRole("button", { name: `Resume ${NAMES.live}` })).toBeVisible();
    await page.getByRole("button", { name: `Cancel ${NAMES.live}` }).click();
    await page.getByRole("button", { name: `Confirm cancelling ${NAMES.live}` }).click();
    await expect(page.getByTestId("run-status")).toHaveText("cancelled");
    await expect(page.getByRole("button", { name: `Resume ${NAMES.live}` })).toHaveCount(0);
  });

  test("shows an empty monitor for a run without steps and an error for an unknown run", async ({ page }) => {
    await page.goto(`/runs/${runs.queued.runId}`);
    await expect(page.getByTestId("no-steps")).toContainText("No step has finished yet: the run is queued");
    await expect(page.getByRole("region", { name: "Distribution of r̄ per task" })).toContainText("No data yet");
    await expect(page.getByRole("region", { name: "Held-out score over training" })).toContainText("No evaluation yet");

    const unknown = await page.goto("/runs/no-such-run");
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such run");
    await expect(page.getByRole("link", { name: "See all runs" })).toBeVisible();
  });

  test("compares two runs picked on the runs page", async ({ page }) => {
    await page.goto("/runs");
    await page.getByRole("checkbox", { name: `Compare ${NAMES.rods}` }).check();
    await page.getByRole("checkbox", { name: `Compare ${NAMES.static}` }).check();
    await page.getByRole("link", { name: "Compare 2 runs" }).click();
    await expect(page).toHaveURL(new RegExp(`/compare\\?runs=${runs.rods.runId},${runs.static.runId}$`));
    await expect(page.getByRole("table", { name: "Compared runs" })).toContainText(NAMES.rods);
    await expect(page.getByRole("table", { name: "Compared runs" })).toContainText(NAMES.static);
    await expectChart(page, "Informative fraction", ".recharts-line-curve");
    await expectChart(page, "Held-out score", ".recharts-line-curve");
    expect(await page.getByRole("img", { name: /^Informative fraction\./ }).locator(".recharts-line-curve").count()).toBe(2);
    // The runs were evaluated at different steps (every epoch vs every second epoch): each held-out line is still
    // one continuous path from its first evaluation to its last.
    const heldOutPaths = page.getByRole("img", { name: /^Held-out score\./ }).locator("path.recharts-line-curve");
    await expect(heldOutPaths).toHaveCount(2);
    for (const d of await heldOutPaths.evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? ""))) {
      expect(d.match(/M/g)?.length, `one stroke per run: ${d.slice(0, 60)}`).toBe(1);
    }
    // Summary: final held-out of each run as stored, and the difference to the first run picked.
    const finals = await Promise.all(
      [runs.rods, runs.static].map(async (r) => (await db.evaluation.findFirstOrThrow({ where: { runId: r.runId, category: "overall" }, orderBy: { stepIndex: "desc" } })).score),
    );
    const rodsRow = page.getByTestId(`compare-summary-${runs.rods.runId}`);
    const staticRow = page.getByTestId(`compare-summary-${runs.static.runId}`);
    await expect(rodsRow).toContainText(`${(finals[0]! * 100).toFixed(1)} %`);
    await expect(rodsRow).toContainText("(after step 40)");
    await expect(staticRow).toContainText(`${(finals[1]! * 100).toFixed(1)} %`);
    const diff = (finals[1]! - finals[0]!) * 100;
    await expect(staticRow).toContainText(`${diff >= 0 ? "+" : "−"}${Math.abs(diff).toFixed(1)} pts`);
    // Regions: one panel per run, three region lines each.
    for (const r of [runs.rods, runs.static]) expect(await page.getByTestId(`compare-regions-${r.runId}`).locator(".recharts-line-curve").count()).toBe(3);
    // The common x axis can be rollouts consumed.
    await page.getByRole("combobox", { name: "x axis" }).selectOption("rollouts");
    await expect(page.getByRole("region", { name: "Held-out score" })).toContainText("rollouts consumed");
    await expect(heldOutPaths).toHaveCount(2);
    const settings = page.getByRole("table", { name: "Settings that differ" });
    await expect(settings.getByRole("row").filter({ hasText: "(mode)" })).toContainText("rods");
    await expect(settings.getByRole("row").filter({ hasText: "(mode)" })).toContainText("static");
    await expect(settings).not.toContainText("(alphaMinus)");
    await page.screenshot({ path: "test-results/screenshots/compare.png", fullPage: true });

    await page.goto("/compare?runs=no-such-run");
    await expect(page.getByRole("alert").filter({ hasText: "Run not found" })).toBeVisible();
  });
});
