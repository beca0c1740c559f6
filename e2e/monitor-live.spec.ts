import { expect, test, type Locator, type Page } from "@playwright/test";
import { disconnectDb, getDb, type Db } from "../server/db";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../test/fixtures/synthetic-run";
import { signInViaApi } from "./helpers/auth";
import { requireE2eDatabaseUrl } from "./helpers/trpc-http";

// The monitor while a real run goes (the e2e server's worker drives it): the step plan against done, the final
// held-out evaluation appearing without a reload, the simulated learner's tokens marked as estimates. And the charts
// in dark mode: axes, grid, lines and tooltips readable on the dark card.

// 20 seeds in batches of 2 over 3 epochs: 30 steps planned; injection and retirement may move the plan.
const RUN_CONFIG = { mode: "rods", epochs: 3, k: 4, batchSize: 2, limitSeeds: 20, evalLimit: 12, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 11 };

async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(res.ok(), `${path}: HTTP ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("a run that finishes while its monitor is open shows its final evaluation and its step plan without a reload", async ({ page }) => {
  test.setTimeout(420_000);
  await signInViaApi(page);
  const name = `e2e finishes while open ${Date.now().toString(36)}`;
  const { id: runId } = await trpcMutation<{ id: string }>(page, "experiments.create", { name, config: RUN_CONFIG });
  // Held right away, so the page is surely open before the run goes on (resumed from the page below).
  await trpcMutation(page, "runs.pause", { id: runId, reason: "held by the e2e test until its monitor is open" });

  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("paused");
  await expect(page.getByTestId("steps-done")).toHaveText(/^\d+ of 30$/);
  await page.getByRole("button", { name: `Resume ${name}` }).click();
  await expect(page.getByTestId("run-status")).toHaveText("running");

  // While it runs, the total shown changes only with a note that says at which epoch and why.
  let shownTotal = 30;
  await expect(async () => {
    const text = (await page.getByTestId("steps-done").textContent()) ?? "";
    const total = Number(/ of (\d+)$/.exec(text)?.[1]);
    if (total !== shownTotal) {
      await expect(page.getByTestId("plan-changes")).toContainText(`${total} steps in total (was `, { timeout: 3_000 });
      shownTotal = total;
    }
    await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 1_000 });
  }).toPass({ timeout: 360_000, intervals: [500] });

  // Finished: done equals planned, and the final held-out score shows (no reload, no navigation since resuming).
  await expect(page.getByTestId("steps-done")).toHaveText(/^(\d+) of \1$/);
  const done = Number(/^(\d+) of /.exec((await page.getByTestId("steps-done").textContent()) ?? "")?.[1]);
  // Paused before it started and resumed: it still has a start time and a duration.
  await expect(page.getByTestId("run-times")).toContainText(/ · started .* · ended .* · took /);
  await expect(page.getByTestId("held-out-latest")).toContainText(`after step ${done}`);
  await expect(page.getByTestId("held-out-latest")).toHaveText(/^\d+(\.\d)? % after step \d+$/);
  await expect(page.getByRole("img", { name: new RegExp(`^Held-out score over training\\. \\d+ evaluations; .* at step ${done}\\.$`) })).toBeVisible();
  if (done !== 30) {
    await expect(page.getByTestId("step-plan")).toContainText("Planned at start: 30 steps (3 epochs × 10).");
    await expect(page.getByTestId("plan-changes").getByRole("listitem").last()).toContainText(`${done} steps in total`);
  }

  // The simulated learner's tokens are estimates, and the chart says so.
  const tokens = page.getByTestId("chart-tokens");
  await expect(tokens.getByTestId("chart-estimate")).toHaveText(/^estimated: the simulated learner counts tokens as characters ÷ 4/);
  await expect(tokens.getByRole("img", { name: /^Tokens per step\. Estimated numbers\. / })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/monitor-finished.png", fullPage: false });
});

// ---------- dark mode ----------

/** WCAG contrast of two computed CSS colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const computed = (locator: Locator, property: string) => locator.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);

test.describe("charts in dark mode", () => {
  test.use({ colorScheme: "dark" });
  let db: Db;
  let run: SyntheticRun;

  const outerDatabaseUrl = process.env.DATABASE_URL;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    process.env.DATABASE_URL = requireE2eDatabaseUrl();
    db = getDb();
    run = await fillSyntheticRun({ db, steps: 12, tasks: 40, k: 4, epochs: 3, name: `e2e dark ${Date.now().toString(36)}`, seed: 3 });
  });
  test.afterAll(async () => {
    await removeSyntheticRuns({ db, runs: [run] });
    await disconnectDb();
    // Other specs of this worker find the e2e database from DATABASE_URL as it was before.
    if (outerDatabaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = outerDatabaseUrl;
  });

  test("axes, grid, lines and tooltips stand out from the dark card", async ({ page }) => {
    await page.goto(`/runs/${run.runId}`);
    const card = page.getByTestId("chart-held-out");
    await expect(card.locator(".recharts-line-curve").first()).toBeVisible();
    const cardBg = await computed(card, "background-color");
    // Dark mode is on: the card is dark.
    expect(contrast(cardBg, "rgb(0, 0, 0)")).toBeLessThan(1.5);

    const tick = card.locator(".recharts-cartesian-axis-tick-value").first();
    expect(contrast(await computed(tick, "fill"), cardBg), "axis tick text on the card").toBeGreaterThanOrEqual(4.5);
    const axisLabel = card.locator(".recharts-label").first();
    expect(contrast(await computed(axisLabel, "fill"), cardBg), "axis label on the card").toBeGreaterThanOrEqual(4.5);
    const grid = card.locator(".recharts-cartesian-grid line").first();
    expect(contrast(await computed(grid, "stroke"), cardBg), "grid lines on the card").toBeGreaterThan(1.15);
    // Every line of the chart, the overall held-out score (near-black in light mode) included.
    const lines = card.locator(".recharts-line-curve");
    for (let i = 0; i < (await lines.count()); i++) expect(contrast(await computed(lines.nth(i), "stroke"), cardBg), `line ${i}`).toBeGreaterThanOrEqual(3);
    // Stacked region areas and histogram bars too.
    const area = page.getByTestId("chart-regions-seed").locator(".recharts-area-area").first();
    expect(contrast(await computed(area, "fill"), cardBg), "region area").toBeGreaterThanOrEqual(3);

    // The tooltip takes the card's colours, its text readable.
    const signals = page.getByTestId("chart-signals").locator(".recharts-wrapper").first();
    const tooltip = page.getByTestId("chart-signals").locator(".recharts-default-tooltip");
    await signals.scrollIntoViewIfNeeded();
    await expect(async () => {
      const box = (await signals.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2 + 4, box.y + box.height / 2);
      await expect(tooltip).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    const tooltipBg = await computed(tooltip, "background-color");
    expect(contrast(tooltipBg, "rgb(0, 0, 0)")).toBeLessThan(1.5);
    expect(contrast(await computed(tooltip.locator(".recharts-tooltip-label"), "color"), tooltipBg), "tooltip label").toBeGreaterThanOrEqual(7);
    await page.screenshot({ path: "test-results/screenshots/monitor-dark.png", fullPage: false });
  });
});
