// XSS payloads through every text a user (or an endpoint a user points RODS at) can put on a page, in Chromium:
// user names, review reject reasons, edited user turns, run notes and tags, study names, run config strings
// (model, system prompt) in the cloned launch form, model names an endpoint lists, and run names in chart CSVs.
// Each page must show the payload as literal text and run none of it: window.__xss stays unset, no element of the
// payload exists in the DOM, no dialog opens, and the browser reports no CSP violation (an unescaped payload would
// show up as a blocked inline handler even though the nonce CSP stops it from running). Texts that the edge
// refuses (emails, dataset names, tags) are checked to be refused with a clear message and nothing written.
// Run names, pause reasons and API key names are covered in security.spec.ts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { disconnectDb, getDb, type Db } from "../server/db";
import { startFakeOpenAI, type FakeOpenAI } from "../test/fake-openai-server";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../test/fixtures/synthetic-run";
import { E2E_ADMIN, signInViaApi } from "./helpers/auth";
import { waitForHydration, watchCspViolations } from "./helpers/csp";
import { createUserViaCli, e2eCliEnv, requireE2eDatabaseUrl } from "./helpers/trpc-http";

const XSS = `<img src=x onerror="window.__xss=1">"><script>window.__xss=2</script>`;
const SCRIPT_TEXT = "<script>window.__xss=2</script>";
const FORMULA = `=HYPERLINK("http://evil.example","open")`;

const givenDatabaseUrl = process.env.DATABASE_URL;

/** Runs `npm run rods -- …` against the e2e database; the exit status and what it printed. */
function rodsCli(args: string[]): { status: number; output: string } {
  try {
    const out = execFileSync("npx", ["tsx", "scripts/rods.ts", ...args], { env: e2eCliEnv(), stdio: "pipe", encoding: "utf8" });
    return { status: 0, output: out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

/** A page in Chromium that records dialogs and CSP violations; `expectInert` checks nothing of a payload ran. */
async function openWatched(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const violations = await watchCspViolations(page);
  return {
    async visit(url: string) {
      await page.goto(url);
      await waitForHydration(page);
    },
    async expectInert(where: string) {
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), `${where}: the payload ran`).toBeUndefined();
      await expect(page.locator('img[src="x"]'), `${where}: the payload became an element`).toHaveCount(0);
      expect(await violations(), `${where}: CSP violations`).toEqual([]);
      expect(dialogs, `${where}: dialogs`).toEqual([]);
    },
  };
}

const stamp = Date.now().toString(36);
const mallory = { email: `mallory-${stamp}@e2e.local`, name: `Mallory ${XSS}`, password: "mallory-password-1" };
let db: Db;
const runs: SyntheticRun[] = [];

test.describe.configure({ mode: "serial" });

test.describe("XSS through every user-editable text", () => {
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    process.env.DATABASE_URL = requireE2eDatabaseUrl();
    await disconnectDb(); // a client another spec left open may point at another database
    db = getDb();
    createUserViaCli({ ...mallory, role: "member" });
  });
  test.afterAll(async () => {
    if (db && runs.length) await removeSyntheticRuns({ db, runs });
    await disconnectDb();
    // Specs share this worker process: the next one finds the e2e database as it would alone.
    if (givenDatabaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = givenDatabaseUrl;
  });

  test("a user's name, an edited user turn and a reject reason render as text in review, on the task and in the top bar", async ({ page }) => {
    test.setTimeout(180_000);
    const run = await fillSyntheticRun({ db, steps: 6, tasks: 10, k: 4, epochs: 2, name: `e2e xss review ${stamp}`, seed: 7, reviewPolicy: "manual" });
    runs.push(run);
    // Two of the run's synthesized tasks wait for review whatever the fixture drew.
    await db.task.updateMany({ where: { id: { in: run.synthesizedTaskIds.slice(0, 2) } }, data: { reviewState: "pending" } });

    const w = await openWatched(page);
    await signInViaApi(page, mallory);
    await w.visit(`/review?run=${run.runId}`);
    await expect(page.getByRole("banner").getByText(mallory.name)).toBeVisible();
    const detail = page.getByRole("region", { name: "Task under review" });
    await expect(detail).toBeVisible();
    const taskName = (await detail.getByRole("heading", { level: 2 }).innerText()).trim();
    const taskHref = (await detail.getByRole("heading", { level: 2 }).getByRole("link").getAttribute("href"))!;

    // Edit turn 1 to carry the payload: the gates accept it (it names no tool), and the queue shows it as text.
    await detail.getByRole("button", { name: "Edit user turns…" }).click();
    const turn1 = detail.getByRole("form", { name: "Edit user turns" }).getByLabel("Turn 1");
    const edited = `${await turn1.inputValue()} Also: ${XSS}`;
    await turn1.fill(edited);
    await detail.getByRole("button", { name: "Save edit" }).click();
    await expect(page.getByTestId("review-notice")).toHaveText(`Saved the edit of ${taskName}; it still awaits a decision.`);
    await expect(detail.getByText(SCRIPT_TEXT, { exact: false }).first()).toBeVisible();
    await w.expectInert("review queue after the edit");

    // Reject it with a payload as the reason; the history lists the decision under the payload-bearing name.
    await detail.getByRole("toolbar", { name: "Decision" }).getByRole("button", { name: "Reject…" }).click();
    const reject = detail.getByRole("form", { name: "Reject task" });
    await reject.getByLabel(/Reason/).fill(`Unclear. ${XSS}`);
    await reject.getByRole("button", { name: "Reject task" }).click();
    await expect(page.getByTestId("review-notice")).toHaveText(`Rejected ${taskName}.`);
    await w.expectInert("review queue after the rejection");

    await w.visit(taskHref);
    await expect(page.getByRole("region", { name: "Turn 1" })).toContainText(`Also: ${XSS}`);
    const history = page.getByRole("region", { name: "Review" }).getByRole("list", { name: "Review history" });
    await expect(history).toContainText(`${mallory.name} rejected`);
    await expect(history).toContainText(`Unclear. ${XSS}`);
    await expect(history).toContainText(`${mallory.name} edited`);
    await w.expectInert("task page");
  });

  test("run notes render as text; a tag with markup is refused with the rule and nothing is saved", async ({ page }) => {
    const run = await fillSyntheticRun({ db, steps: 4, tasks: 8, k: 4, epochs: 1, name: `e2e xss notes ${stamp}`, seed: 8 });
    runs.push(run);
    const w = await openWatched(page);
    await signInViaApi(page, E2E_ADMIN); // the fixture's run has no owner: only an admin changes it
    await w.visit(`/runs/${run.runId}`);
    const box = page.getByRole("region", { name: "Notes and tags" });
    await box.getByLabel("Notes").fill(`Looks fine. ${XSS}`);
    await box.getByRole("button", { name: "Save notes and tags" }).click();
    await expect(box.getByText("Saved.")).toBeVisible();

    await box.getByLabel(/^Tags/).fill(`ok-tag, ${XSS}`);
    await box.getByRole("button", { name: "Save notes and tags" }).click();
    await expect(box.getByRole("alert")).toContainText("A tag holds letters, digits and - _ . : / only (no spaces).");
    await w.expectInert("run monitor after saving");

    await w.visit(`/runs/${run.runId}`);
    await expect(page.getByRole("region", { name: "Notes and tags" }).getByLabel("Notes")).toHaveValue(`Looks fine. ${XSS}`);
    await expect(page.getByRole("region", { name: "Notes and tags" }).getByLabel(/^Tags/)).toHaveValue("");
    await w.expectInert("run monitor reloaded");
  });

  test("a study's name renders as text on the studies pages and in its runs' names", async ({ page }) => {
    test.setTimeout(120_000);
    const w = await openWatched(page);
    await signInViaApi(page, mallory);
    const created = await page.request.post("/api/trpc/studies.create", {
      data: { json: { name: `Study ${XSS}`, modes: ["static"], seeds: 1, config: { budgetSteps: 1, k: 2, batchSize: 2, limitSeeds: 2, evalLimit: 1 } } },
    });
    expect(created.status(), await created.text()).toBe(200);
    const study = ((await created.json()) as { result: { data: { json: { id: string; runs: { runId: string }[] } } } }).result.data.json;
    try {
      for (const url of ["/studies", `/studies/${study.id}`, "/runs"]) {
        await w.visit(url);
        await expect(page.getByText(`Study ${XSS}`, { exact: false }).first()).toBeVisible();
        await w.expectInert(url);
      }
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Runs");
    } finally {
      // The study's one tiny run is not needed: stop it so it does not hold the worker.
      for (const r of study.runs ?? []) await page.request.post("/api/trpc/runs.cancel", { data: { json: { id: r.runId } } });
    }
  });

  test("config strings and an endpoint's model names render as text in the launch form", async ({ page }) => {
    const run = await fillSyntheticRun({
      db,
      steps: 2,
      tasks: 4,
      k: 2,
      epochs: 1,
      name: `e2e xss config ${stamp}`,
      seed: 9,
      config: { policy: { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: `m ${XSS}`, systemPrompt: `Be brief. ${XSS}` } },
    });
    runs.push(run);
    const fake: FakeOpenAI = await startFakeOpenAI({ script: [], models: [`listed ${XSS}`] });
    try {
      const w = await openWatched(page);
      await signInViaApi(page, mallory);
      // "Run again with these settings" puts the stored strings back into the form's fields, as values.
      await w.visit(`/experiments/new?from=${run.runId}`);
      const policy = page.getByRole("group", { name: "OpenAI-compatible policy" });
      await expect(policy.getByLabel("Model", { exact: true })).toHaveValue(`m ${XSS}`);
      await w.expectInert("cloned launch form");

      // A connection test shows the model names the endpoint lists (text the endpoint chose).
      await policy.getByLabel("Base URL").fill(fake.url);
      await page.getByRole("button", { name: "Test connection (policy)" }).click();
      const result = page.getByRole("status", { name: "Connection test of the policy" });
      await expect(result).toContainText(`Connected. 1 model: listed ${XSS}`);
      await expect(result).toContainText(`“m ${XSS}” is not among them.`);
      await w.expectInert("connection test result");
    } finally {
      await fake.close();
    }
  });

  test("a run name that is a spreadsheet formula is neutralised in a chart's CSV download", async ({ page }) => {
    const run = await fillSyntheticRun({ db, steps: 4, tasks: 8, k: 4, epochs: 1, name: `${FORMULA} ${XSS}`, seed: 10 });
    runs.push(run);
    const w = await openWatched(page);
    await signInViaApi(page, mallory);
    await w.visit(`/compare?runs=${run.runId}`);
    await expect(page.getByText(SCRIPT_TEXT, { exact: false }).first()).toBeVisible();
    await w.expectInert("compare page");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).first().click()]);
    const file = await download.path();
    const header = readFileSync(file, "utf8").split("\n")[0]!;
    // The label cell starts with an apostrophe, so a spreadsheet shows the name instead of computing it.
    expect(header).toContain(`"'=HYPERLINK(""http://evil.example"",""open"")`);
    expect(header).not.toMatch(/(^|,)"?=/);
  });

  test("what a model answers (text, tool call names and arguments) renders as text in the trajectory viewer", async ({ page }) => {
    test.setTimeout(240_000);
    // The policy endpoint answers every user turn with a call to a tool that does not exist, then with text.
    const fake = await startFakeOpenAI({
      models: ["fake-model"],
      script: (request) =>
        request.messages.at(-1)?.role === "tool"
          ? { content: `Done. ${XSS}` }
          : { toolCalls: [{ name: `evil_${stamp}`, arguments: JSON.stringify({ path: XSS }) }, { name: XSS, arguments: "{}" }] },
    });
    const w = await openWatched(page);
    await signInViaApi(page, mallory);
    let runId = "";
    try {
      const created = await page.request.post("/api/trpc/experiments.create", {
        data: {
          json: {
            name: `e2e xss model ${stamp}`,
            config: {
              mode: "static",
              budgetSteps: 1,
              k: 2,
              batchSize: 2,
              limitSeeds: 2,
              evalLimit: 1,
              policy: { kind: "openai", baseUrl: fake.url, model: "fake-model", maxRetries: 0, concurrency: 2 },
            },
          },
        },
      });
      expect(created.status(), await created.text()).toBe(200);
      runId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
      await expect.poll(async () => (await db.rollout.count({ where: { runId, infraError: null } })) > 0, { timeout: 180_000 }).toBe(true);
      const rollout = (await db.rollout.findFirst({ where: { runId, infraError: null }, select: { taskId: true } }))!;

      await w.visit(`/tasks/${rollout.taskId}`);
      const viewer = page.getByRole("region", { name: "Trajectory viewer" });
      await viewer.getByLabel("Run").selectOption(runId);
      await expect(viewer.getByText(`Done. ${XSS}`).first()).toBeVisible();
      await expect(viewer.getByLabel(`Tool call evil_${stamp}`).first()).toContainText(`"path": ${JSON.stringify(XSS)}`);
      await expect(viewer.getByLabel(`Tool call ${XSS}`).first()).toContainText(XSS);
      await w.expectInert("trajectory viewer");
    } finally {
      if (runId) await page.request.post("/api/trpc/runs.cancel", { data: { json: { id: runId } } });
      await fake.close();
    }
  });

  test("text from the address (search, filters, ids, next) is never rendered as markup", async ({ page }) => {
    const w = await openWatched(page);
    await signInViaApi(page, mallory);
    const q = encodeURIComponent(XSS);
    await w.visit(`/tasks?q=${q}&category=${q}&class=${q}&run=${q}`);
    await expect(page.getByRole("searchbox")).toHaveValue(XSS);
    await w.expectInert("task search");
    for (const url of [`/review?run=${q}&category=${q}`, `/compare?runs=${q}&x=${q}`, `/experiments/new?from=${q}`, `/runs/${q}`, `/tasks/${q}`, `/studies/${q}`, `/runs?tag=${q}`]) {
      await w.visit(url);
      // The page's queries (which may echo the bad id or filter in an error) have answered.
      await page.waitForLoadState("networkidle");
      await expect(page.getByRole("main")).not.toBeEmpty();
      await w.expectInert(url);
    }
    // Signed out: the sign-in page with a payload as `next` and as an error code.
    await page.context().clearCookies();
    await w.visit(`/sign-in?next=${q}&error=${q}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await w.expectInert("sign-in");
  });

  test("emails and dataset names with markup are refused at the command line with the rule; nothing is written", async () => {
    const email = rodsCli(["user", "create", "--email", `x${XSS}@e2e.local`, "--name", "X", "--password", "x-password-1"]);
    expect(email.status).not.toBe(0);
    expect(email.output).toContain("Enter a valid email address.");
    expect(await db.user.count({ where: { email: { contains: "<img" } } })).toBe(0);

    const dir = mkdtempSync(path.join(tmpdir(), "rods-xss-"));
    try {
      const dataset = rodsCli(["import", dir, "--dataset", XSS]);
      expect(dataset.status).not.toBe(0);
      expect(dataset.output).toContain("use letters, digits, '.', '_' and '-' only");
      expect(dataset.output).toContain("Nothing was imported.");
      expect(await db.dataset.count({ where: { name: { contains: "<img" } } })).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
