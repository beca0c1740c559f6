// Refreshes docs/screenshots: starts the app on its own data (RODS_HOME=.rods/screenshots, a fresh embedded
// database unless DATABASE_URL is set), fills it with two kinds of runs, and photographs every page the README lists
// in Chromium. Not part of `npm test`; run it when pages change:
//
//   npx tsx scripts/screenshots.ts [--port 3200] [--out docs/screenshots] [--keep]
//
// Runs shown: runs written by the synthetic-run fixture (test/fixtures/synthetic-run.ts, long histories, their
// dataset named "synthetic-…") for the runs list, /compare and a study; and real runs of the simulated learner
// launched through /api/v1 (a quick RODS run for the live monitor, the synthesis cost panel and lineage; a
// manual-review run for the review gate and the review queue). --keep leaves .rods/screenshots for another go.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { disconnectDb, getDb, type Db } from "../server/db";
import { projectRoot } from "../server/platform/paths";
import { readRuntimeInfo } from "../server/platform/runtime-file";
import { createApiKeyForEmail, DEFAULT_ADMIN_EMAIL } from "../server/services/auth-service";
import { attachSyntheticStudy, fillSyntheticRun } from "../test/fixtures/synthetic-run";
import { getTask, listTasks } from "../server/services/tasks-service";

const { values } = parseArgs({ options: { port: { type: "string", default: "3200" }, out: { type: "string", default: "docs/screenshots" }, keep: { type: "boolean", default: false } } });
const port = values.port!;
const base = `http://127.0.0.1:${port}`;
const outDir = path.resolve(projectRoot, values.out!);
const home = ".rods/screenshots";
const password = "rods-screenshots-admin";
const log = (message: string) => console.log(`[screenshots] ${message}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 2_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

if (!values.keep && existsSync(path.join(projectRoot, home))) rmSync(path.join(projectRoot, home), { recursive: true, force: true });
log(`starting the app on ${base} (builds first when sources changed)`);
const app = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
  cwd: projectRoot,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, PORT: port, HOST: "127.0.0.1", RODS_HOME: home, RODS_ADMIN_PASSWORD: password },
});
const stopApp = () =>
  new Promise<void>((resolve) => {
    if (app.exitCode !== null) return resolve();
    app.once("exit", () => resolve());
    app.kill("SIGINT");
  });

let db: Db | undefined;
try {
  await until("the app", async () => (await fetch(`${base}/api/health`)).ok, 900_000, 3_000);
  const info = process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : readRuntimeInfo(home);
  if (!info) throw new Error(`no runtime file under ${home}`);
  process.env.DATABASE_URL = info.databaseUrl;
  db = getDb();
  // The seed import is one transaction: the tasks appear all at once (health counts them).
  await until("the BFCL seeds", async () => (((await (await fetch(`${base}/api/health`)).json()) as { tasks: number | null }).tasks ?? 0) > 0, 600_000);

  // Real runs of the simulated learner, through the REST API as a script would launch them.
  const { key } = await createApiKeyForEmail({ db, email: DEFAULT_ADMIN_EMAIL, name: "screenshots", scopes: ["runs:write", "runs:read"] });
  const launch = async (name: string, config: Record<string, unknown>) => {
    const res = await fetch(`${base}/api/v1/runs`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ name, config }) });
    if (res.status !== 201) throw new Error(`launching ${name}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  // The run as a script sees it (GET /api/v1/runs/{id}).
  const runOverApi = async (id: string) => {
    const res = await fetch(`${base}/api/v1/runs/${id}`, { headers: { Authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`reading run ${id}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { status: string; currentStep: number; statusReason: string | null };
  };
  log("writing synthetic runs");
  const rods = await fillSyntheticRun({ db, steps: 40, tasks: 120, k: 8, epochs: 5, name: "rods · 400 seeds (synthetic)", seed: 7 });
  const baseline = await fillSyntheticRun({ db, steps: 40, tasks: 120, k: 8, epochs: 5, mode: "static", name: "static · 400 seeds (synthetic)", seed: 7, config: { evalEveryEpochs: 2 } });
  const studyRuns = [];
  for (const mode of ["static", "rods"] as const) {
    for (const seed of [1, 2]) studyRuns.push(await fillSyntheticRun({ db, steps: 24, tasks: 60, k: 8, epochs: 3, mode, seed, name: `study ${mode} seed ${seed} (synthetic)` }));
  }
  const study = await attachSyntheticStudy({ db, name: "static vs rods, 2 seeds (synthetic)", modes: ["static", "rods"], seeds: 2, config: { budgetSteps: 24 }, runs: studyRuns });

  const browser = await chromium.launch({
    executablePath: existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, colorScheme: "light", baseURL: base });
  const page = await context.newPage();
  await mkdir(outDir, { recursive: true });
  const shot = async (name: string, url: string, ready: (p: Page) => Promise<unknown>, options: { fullPage?: boolean } = {}) => {
    await page.goto(url);
    await ready(page);
    await settle(page);
    await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: options.fullPage ?? true });
    log(`${name}.png  ${url}`);
  };
  // Every query answered (live pages poll, so a quiet moment is enough), no "Loading…" left, and recharts' entry
  // animation over (it runs on timers, not CSS, so Playwright cannot switch it off).
  const settle = async (p: Page) => {
    await p.waitForLoadState("networkidle").catch(() => {});
    await until("the page's queries", async () => (await p.getByText(/^Loading/).count()) === 0, 60_000, 300);
    await p.waitForTimeout(1_600);
  };
  const visible = (text: string | RegExp) => (p: Page) => p.getByText(text).first().waitFor({ timeout: 60_000 });

  // Signed out: the sign-in page.
  await shot("sign-in", "/sign-in", (p) => p.getByRole("button", { name: /sign in/i }).waitFor(), { fullPage: false });
  const signIn = await page.request.post("/api/auth/sign-in", { data: { email: DEFAULT_ADMIN_EMAIL, password } });
  if (!signIn.ok()) throw new Error(`sign-in failed: HTTP ${signIn.status()}`);

  // The live monitor of a RODS run of the simulated learner, a few steps in (15 steps of 40 tasks × 8 rollouts).
  const quick = await launch("rods demo (simulated learner)", { mode: "rods", epochs: 3, k: 8, batchSize: 40, limitSeeds: 200, evalLimit: 100, seedQuotaPerCategory: 3, seed: 3 });
  await until("the demo run's third step", async () => (await runOverApi(quick)).currentStep >= 3, 600_000, 500);
  await shot("monitor-live", `/runs/${quick}`, visible("live, refreshing"));

  const manual = await launch("manual review (simulated learner)", { mode: "rods", epochs: 2, k: 8, batchSize: 40, limitSeeds: 40, evalLimit: 40, seedQuotaPerCategory: 3, reviewPolicy: "manual", seed: 5 });
  await shot("runs", "/runs", visible("rods · 400 seeds (synthetic)"));
  await shot("monitor", `/runs/${rods.runId}`, (p) => p.getByTestId("synthesis-cost-share").waitFor());
  await shot("compare", `/compare?runs=${rods.runId},${baseline.runId}&x=rollouts`, (p) => p.getByTestId("compare-cost-share").first().waitFor());
  await shot("studies", "/studies", visible("static vs rods, 2 seeds (synthetic)"), { fullPage: false });
  await shot("study", `/studies/${study.id}`, (p) => p.getByTestId("study-cost-rods").waitFor());
  await shot("experiments-new", "/experiments/new", (p) => p.getByRole("button", { name: /launch/i }).first().waitFor());
  await shot("api-keys", "/settings/api-keys", visible(/scope/i), { fullPage: false });
  await shot("api-docs", "/api/v1/docs", visible("/runs/{id}/costs"), { fullPage: false });

  // The quick run finished: its real synthesis costs, and the lineage of a task it synthesized.
  await until("the quick run to finish", async () => (await runOverApi(quick)).status === "completed", 900_000);
  await page.goto(`/runs/${quick}`);
  const panel = page.getByTestId("synthesis-cost");
  await panel.getByRole("table").waitFor();
  await settle(page);
  await panel.screenshot({ path: path.join(outDir, "monitor-synthesis-cost.png") });
  log(`monitor-synthesis-cost.png  /runs/${quick} (${(await page.getByTestId("synthesis-cost-share").textContent()) ?? ""})`);
  // The run's first accepted task (a synthesized task in its pool) and its seed, through the task services.
  const [child] = (await listTasks({ db, runId: quick, filter: { origin: "synthesized" }, sort: "created", page: 1, pageSize: 1 })).items;
  if (child) {
    const { parentId } = await getTask({ db, id: child.id });
    await shot("lineage", `/tasks/${child.id}`, visible(/lineage/i));
    if (parentId) await shot("lineage-seed", `/tasks/${parentId}`, visible(/lineage/i));
  }
  await shot("tasks", "/tasks", visible("multi_turn_base"), { fullPage: false });
  const [seedTask] = (await listTasks({ db, filter: { origin: "seed", category: "base", split: "train" }, page: 1, pageSize: 1 })).items;
  await shot("task-detail", `/tasks/${seedTask!.id}`, visible(/ground truth/i));

  // The manual-review run waits at its first epoch boundary with tasks to review.
  await until("the review gate", async () => (await runOverApi(manual)).statusReason?.startsWith("Waiting for review") ?? false, 900_000);
  await shot("monitor-review-gate", `/runs/${manual}`, visible(/waiting for review/i), { fullPage: false });
  await shot("review", `/review?run=${manual}`, (p) => p.getByRole("button", { name: /approve/i }).first().waitFor());

  await browser.close();
  log(`done: ${outDir}`);
} finally {
  await disconnectDb().catch(() => {});
  await stopApp();
  if (!values.keep) rmSync(path.join(projectRoot, home), { recursive: true, force: true });
}
