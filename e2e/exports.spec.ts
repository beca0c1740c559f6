import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { tableFromIPC } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { disconnectDb, getDb, type Db } from "../server/db";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../test/fixtures/synthetic-run";
import { signInViaApi } from "./helpers/auth";
import { requireE2eDatabaseUrl } from "./helpers/trpc-http";

// Each export of a run downloaded from its monitor in Chromium and checked against the stored rows; the Parquet
// file is read back with parquet-wasm (arrow-rs), the BFCL tar listed with the system's tar.

// Other specs in this worker read DATABASE_URL as the e2e server's settings: it is put back after this file.
const originalDatabaseUrl = process.env.DATABASE_URL;
let db: Db;
let fixture: SyntheticRun;
let dir: string;

async function download(page: Page, format: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`export-${format}`).click()]);
  const target = path.join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

test.describe("exports from the monitor", () => {
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    process.env.DATABASE_URL = requireE2eDatabaseUrl();
    db = getDb();
    fixture = await fillSyntheticRun({ db, steps: 12, tasks: 24, k: 4, epochs: 3, withRollouts: true, name: `e2e export ${Date.now().toString(36)}` });
    dir = mkdtempSync(path.join(tmpdir(), "rods-e2e-export-"));
  });
  test.afterAll(async () => {
    if (db && fixture) await removeSyntheticRuns({ db, runs: [fixture] });
    await disconnectDb();
    if (originalDatabaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = originalDatabaseUrl;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("downloads each format and finds the run's rows in it", async ({ page }) => {
    await signInViaApi(page);
    await page.goto(`/runs/${fixture.runId}`);
    await expect(page.getByRole("region", { name: "Export" })).toBeVisible();
    const pool = await db.poolEntry.count({ where: { runId: fixture.runId, task: { reviewState: { not: "rejected" } } } });
    const steps = await db.step.count({ where: { runId: fixture.runId, status: "done" } });

    const metrics = readFileSync(await download(page, "metrics-csv"), "utf8").trim().split("\n");
    expect(metrics[0]).toMatch(/^step,epoch,tasks,rollouts,/);
    expect(metrics).toHaveLength(steps + 1);

    const trajectories = readFileSync(await download(page, "trajectories"), "utf8").trim().split("\n");
    expect(trajectories).toHaveLength(await db.rollout.count({ where: { runId: fixture.runId } }));
    expect(JSON.parse(trajectories[0]!)).toMatchObject({ run_id: fixture.runId, step: 1, messages: expect.any(Array) });

    const trl = readFileSync(await download(page, "trl-jsonl"), "utf8").trim().split("\n");
    expect(trl).toHaveLength(pool);

    const parquetFile = await download(page, "verl-parquet");
    expect(path.basename(parquetFile)).toBe(`rods-${fixture.runId}-verl.parquet`);
    const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(parquetFile))).intoIPCStream());
    expect(table.numRows).toBe(pool);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["data_source", "prompt", "ability", "reward_model", "extra_info"]);

    const tar = await download(page, "bfcl");
    const names = execFileSync("tar", ["-tf", tar], { encoding: "utf8" }).trim().split("\n");
    expect(names.filter((n) => n.includes("/questions/")).length).toBeGreaterThan(0);
    const questionLines = names
      .filter((n) => n.includes("/questions/"))
      .reduce((sum, n) => sum + execFileSync("tar", ["-xOf", tar, n], { encoding: "utf8" }).trim().split("\n").length, 0);
    expect(questionLines).toBe(pool);
  });

  test("refuses a download without signing in", async ({ page }) => {
    const res = await page.request.get(`/api/v1/runs/${fixture.runId}/export?format=metrics-csv`);
    expect(res.status()).toBe(401);
  });
});
