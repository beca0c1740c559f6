import { expect, test } from "@playwright/test";
import { formatCostShare } from "../components/charts/prepare-cost";
import { disconnectDb, getDb, type Db } from "../server/db";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../test/fixtures/synthetic-run";
import { requireE2eDatabaseUrl } from "./helpers/trpc-http";

// What synthesis costs beside rollouts, on the monitor, /compare and a study's table. Runs are written into the e2e
// server's database by the synthetic-run fixture (costs included) and removed afterwards.

// Other specs in this worker read DATABASE_URL as the e2e server's settings: it is put back after this file.
const givenDatabaseUrl = process.env.DATABASE_URL;
const stamp = Date.now().toString(36);
let db: Db;
const runs: { rods?: SyntheticRun; static?: SyntheticRun; llm?: SyntheticRun } = {};
let studyId = "";

/** The share the stored rows give for one metric: Σ attempts / (Σ attempts + Σ finished steps). */
async function storedShare(runId: string, metric: "wall" | "cpu" | "tokens"): Promise<number> {
  const attempts = await db.synthesisAttempt.aggregate({ where: { runId }, _sum: { wallMs: true, cpuMs: true, tokensIn: true, tokensOut: true } });
  const steps = await db.step.aggregate({ where: { runId, status: "done" }, _sum: { rolloutWallMs: true, rolloutCpuMs: true, tokensIn: true, tokensOut: true } });
  const a = metric === "wall" ? attempts._sum.wallMs! : metric === "cpu" ? attempts._sum.cpuMs! : attempts._sum.tokensIn! + attempts._sum.tokensOut!;
  const r = metric === "wall" ? steps._sum.rolloutWallMs! : metric === "cpu" ? steps._sum.rolloutCpuMs! : steps._sum.tokensIn! + steps._sum.tokensOut!;
  return a / (a + r);
}

test.describe("what synthesis costs", () => {
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    process.env.DATABASE_URL = requireE2eDatabaseUrl();
    db = getDb();
    runs.rods = await fillSyntheticRun({ db, steps: 12, tasks: 40, k: 4, epochs: 3, name: `e2e cost rods ${stamp}`, seed: 5 });
    runs.static = await fillSyntheticRun({ db, steps: 12, tasks: 40, k: 4, epochs: 3, mode: "static", name: `e2e cost static ${stamp}`, seed: 5 });
    runs.llm = await fillSyntheticRun({
      db,
      steps: 12,
      tasks: 40,
      k: 4,
      epochs: 3,
      name: `e2e cost llm ${stamp}`,
      seed: 5,
      config: { policy: { kind: "simulated" }, synthesizer: { kind: "llm", baseUrl: "http://synthesizer.fixture.invalid/v1", model: "synthetic-fixture-synth" } },
    });
    const study = await db.study.create({ data: { name: `e2e cost study ${stamp}`, modes: ["static", "rods"], seeds: 1, config: {} }, select: { id: true } });
    studyId = study.id;
    await db.run.updateMany({ where: { id: { in: [runs.rods.runId, runs.static.runId] } }, data: { studyId } });
  });

  test.afterAll(async () => {
    if (db) {
      await removeSyntheticRuns({ db, runs: Object.values(runs) });
      if (studyId) await db.study.deleteMany({ where: { id: studyId } });
    }
    await disconnectDb();
    if (givenDatabaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = givenDatabaseUrl;
  });

  test("the monitor shows synthesis against rollouts per metric, with the headline share the stored rows give", async ({ page }) => {
    await page.goto(`/runs/${runs.rods!.runId}`);
    const panel = page.getByTestId("synthesis-cost");
    await expect(panel.getByRole("heading", { name: "What synthesis costs" })).toBeVisible();
    // A policy behind a server with the procedural synthesizer: job wall time is what both sides spend.
    const wall = await storedShare(runs.rods!.runId, "wall");
    expect(wall).toBeGreaterThan(0);
    await expect(page.getByTestId("synthesis-cost-share")).toHaveText(`synthesis cost share: ${formatCostShare(wall)} of job wall time`);
    const table = panel.getByRole("table", { name: "Synthesis against training rollouts" });
    await expect(table.getByTestId("cost-wall")).toContainText("(headline)");
    await expect(table.getByTestId("cost-wall")).toContainText(formatCostShare(wall));
    await expect(table.getByTestId("cost-cpu")).toContainText(formatCostShare(await storedShare(runs.rods!.runId, "cpu")));
    await expect(table.getByTestId("cost-tokens")).toContainText("the procedural synthesizer uses no model");
    await page.getByTestId("synthesis-cost").screenshot({ path: "test-results/screenshots/monitor-synthesis-cost.png" });
  });

  test("a static run shows 0 %, and estimated tokens say so", async ({ page }) => {
    await page.goto(`/runs/${runs.static!.runId}`);
    await expect(page.getByTestId("synthesis-cost-share")).toHaveText("synthesis cost share: 0 %: this mode does not synthesize");
    await page.goto(`/runs/${runs.llm!.runId}`);
    const tokens = await storedShare(runs.llm!.runId, "tokens");
    await expect(page.getByTestId("synthesis-cost-share")).toHaveText(`synthesis cost share: ${formatCostShare(tokens)} of model tokens (estimated)`);
    await expect(page.getByTestId("cost-tokens")).toContainText("(estimated)");
  });

  test("/compare has a synthesis cost share column and the study table one too", async ({ page }) => {
    await page.goto(`/compare?runs=${runs.rods!.runId},${runs.static!.runId}`);
    const summary = page.getByRole("table", { name: "Compared runs" });
    await expect(summary.getByRole("columnheader", { name: "Synthesis cost share" })).toBeVisible();
    await expect(page.getByTestId(`compare-summary-${runs.rods!.runId}`).getByTestId("compare-cost-share")).toHaveText(
      `${formatCostShare(await storedShare(runs.rods!.runId, "wall"))} of job wall time`,
    );
    await expect(page.getByTestId(`compare-summary-${runs.static!.runId}`).getByTestId("compare-cost-share")).toHaveText("0 %: this mode does not synthesize");

    await page.goto(`/studies/${studyId}`);
    const table = page.getByRole("table", { name: "Study table" });
    await expect(table.getByRole("columnheader", { name: "synthesis cost %" })).toBeVisible();
    await expect(page.getByTestId("study-cost-static")).toHaveText("0.0");
    await expect(page.getByTestId("study-cost-rods")).toHaveText(((await storedShare(runs.rods!.runId, "wall")) * 100).toFixed(1));
  });
});
