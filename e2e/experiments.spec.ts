import { expect, test } from "@playwright/test";
import { startFakeOpenAI, type FakeOpenAI } from "../test/fake-openai-server";
import { signInViaApi } from "./helpers/auth";

test.describe("new experiment", () => {
  let fake: FakeOpenAI;
  test.beforeAll(async () => {
    fake = await startFakeOpenAI({ script: [], models: ["qwen3-4b", "qwen3-8b"] });
  });
  test.afterAll(() => fake.close());

  test("asks anonymous visitors to sign in before launching", async ({ page }) => {
    await page.goto("/experiments/new");
    await expect(page.getByRole("button", { name: "Launch experiment" })).toBeDisabled({ timeout: 120_000 });
    await expect(page.getByRole("status").filter({ hasText: "to launch an experiment" })).toBeVisible();
  });

  test("fills the quick-demo preset, shows inline errors, tests an endpoint and launches into the monitor", async ({ page }) => {
    await signInViaApi(page);
    await page.goto("/experiments/new");
    const k = page.getByLabel("K (rollouts per task)", { exact: true });
    await expect(k).toHaveValue("16", { timeout: 120_000 });
    await expect(page.getByText("GRPO group size: rollouts of each task at each step (paper: 16). Default: 16.")).toBeVisible();

    await page.getByRole("button", { name: /Quick demo/ }).click();
    await expect(page.getByRole("button", { name: /Quick demo/ })).toHaveAttribute("aria-pressed", "true");
    await expect(k).toHaveValue("8");
    await expect(page.getByLabel("Seeds", { exact: true })).toHaveValue("40");
    await expect(page.getByLabel("Epochs", { exact: true })).toHaveValue("3");

    // Errors appear while typing, from the server's schema, and launching is refused until they are fixed.
    const alphaMinus = page.getByLabel("α− (hard below)", { exact: true });
    await alphaMinus.fill("0.9");
    await expect(page.getByText("α− must not exceed α+")).toBeVisible();
    await expect(alphaMinus).toHaveAttribute("aria-invalid", "true");
    await k.fill("1");
    await expect(k).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("validation-summary")).toHaveText("2 settings to fix.");
    await page.getByRole("button", { name: "Launch experiment" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Not launched" })).toContainText("Fix the 2 settings marked below first.");
    await expect(page).toHaveURL(/\/experiments\/new$/);
    await page.getByRole("button", { name: /Quick demo/ }).click();
    await expect(page.getByTestId("validation-summary")).toHaveText("All settings are valid.");

    // The policy endpoint: a connection test against a live server and against nothing.
    await page.getByRole("radio", { name: /OpenAI-compatible endpoint/ }).check();
    const policy = page.getByRole("group", { name: "OpenAI-compatible policy" });
    await expect(policy.getByLabel("Base URL")).toHaveValue("http://localhost:8000/v1");
    // The model has no default: launching needs one.
    await expect(policy.getByLabel("Model", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("validation-summary")).toHaveText("1 setting to fix.");
    await policy.getByLabel("Base URL").fill(fake.url);
    await policy.getByLabel("Model", { exact: true }).fill("qwen3-4b");
    // The key variable is picked among the names the admin allows (the e2e server allows E2E_UNSET_KEY), or none;
    // nothing else can be entered (the server refuses other names anyway: security.spec).
    const keyEnv = policy.getByLabel("API key variable");
    await expect(keyEnv.locator("option")).toHaveText(["none (keyless endpoint)", "E2E_UNSET_KEY"]);
    await expect(keyEnv).toHaveValue("");
    await keyEnv.selectOption("E2E_UNSET_KEY");
    await page.getByRole("button", { name: "Test connection (policy)" }).click();
    const result = page.getByRole("status", { name: "Connection test of the policy" });
    await expect(result).toContainText("Connected. 2 models: qwen3-4b, qwen3-8b");
    await expect(result).toContainText("“qwen3-4b” is listed.");
    await expect(result).toContainText("E2E_UNSET_KEY is not set in the web process");
    await policy.getByLabel("Base URL").fill("http://127.0.0.1:9/v1");
    await page.getByRole("button", { name: "Test connection (policy)" }).click();
    await expect(result).toContainText("Could not connect (network");
    await page.getByRole("radio", { name: /Simulated learner/ }).check();
    await expect(page.getByTestId("validation-summary")).toHaveText("All settings are valid.");

    await page.getByLabel("Run name").fill("e2e quick demo");
    await expect(page.getByRole("button", { name: /Quick demo/ })).toHaveAttribute("aria-pressed", "true");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: "test-results/screenshots/experiments-new.png" });
    await page.getByRole("button", { name: "Launch experiment" }).click();
    await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 30_000 });

    // The monitor of the new run opens (built by the runs pages) and names it.
    await expect(page.getByText("e2e quick demo").first()).toBeVisible({ timeout: 30_000 });
    // The worker runs it: finished steps appear on the monitor without a reload, and the charts fill.
    await expect(page.getByTestId("steps-done")).toHaveText(/^[1-9]\d* of /, { timeout: 120_000 });
    await expect(page.getByRole("img", { name: /^Informative fraction, mean φ and gradient concentration\./ })).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: "test-results/screenshots/monitor-live.png", fullPage: true });
  });

  test("launches a trainer-driven run from the form, refusing the combination with an external trainer", async ({ page }) => {
    await signInViaApi(page);
    await page.goto("/experiments/new");
    await expect(page.getByLabel("K (rollouts per task)", { exact: true })).toHaveValue("16", { timeout: 120_000 });
    await page.getByRole("button", { name: /Quick demo/ }).click();
    // The modes and their texts come from the server: every mode is offered, the chosen one explained.
    const mode = page.getByLabel("Mode", { exact: true });
    await expect(mode.locator("option")).toHaveText(["rods · RODS", "static · baseline", "random_seeds · ablation", "binary_reward · ablation", "no_retirement · ablation", "no_refresh · ablation", "no_rewrite · ablation"]);
    await mode.selectOption("static");
    // The dataset is picked among those imported, each with its split sizes.
    await expect(page.getByLabel("Dataset", { exact: true }).locator('option[value="bfcl-v3"]')).toHaveText(/^bfcl-v3 · \d+ train \/ \d+ held-out tasks$/);
    await expect(page.getByLabel("Dataset", { exact: true })).toHaveValue("bfcl-v3");
    await expect(page.getByText("Mode static: baseline: trains on the seed tasks only")).toBeVisible();
    const trainer = page.getByRole("group", { name: "Trainer" });
    await trainer.getByLabel("Rollouts by").selectOption("trainer");
    await trainer.getByLabel("Gradient step").selectOption("external");
    await expect(page.getByText(/a trainer-driven run \(rollouts "trainer"\) is trained by the trainer that claims its work/)).toBeVisible();
    await expect(page.getByTestId("validation-summary")).toHaveText("1 setting to fix.");
    await trainer.getByLabel("Gradient step").selectOption("builtin");
    await expect(page.getByTestId("validation-summary")).toHaveText("All settings are valid.");
    await page.getByLabel("Run name").fill("e2e trainer-driven");
    await page.getByRole("button", { name: "Launch experiment" }).click();
    await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 30_000 });
    // Nothing claims its work here: the monitor says what the run waits for and where the trainer claims.
    await expect(page.getByTestId("trainer-driven")).toContainText("/batches/claim", { timeout: 30_000 });
    await page.getByRole("button", { name: "Cancel e2e trainer-driven" }).click();
    await page.getByRole("button", { name: "Confirm cancelling e2e trainer-driven" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("cancelled");
    await expect(page.getByTestId("trainer-driven")).toHaveCount(0);
  });
});
