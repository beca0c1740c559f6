import { expect, test, type Page } from "@playwright/test";
import { signInViaApi } from "./helpers/auth";

// A small manual-review run: its synthesized tasks wait in /review. Created once, through the API, for both journeys.
const RUN_CONFIG = { mode: "rods", reviewPolicy: "manual", epochs: 1, k: 4, batchSize: 20, limitSeeds: 40, evalLimit: 10, seedQuotaPerCategory: 4, cooldownSteps: 0, seed: 11 };

async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(res.ok(), `${path}: HTTP ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test.describe.serial("review and lineage", () => {
  let runId = "";

  test("approve one and reject one synthesized task of a manual-review run, and see the counts change", async ({ page }) => {
    test.setTimeout(300_000);
    const admin = await signInViaApi(page);
    ({ id: runId } = await trpcMutation<{ id: string }>(page, "experiments.create", { name: "e2e manual review", config: RUN_CONFIG }));

    await page.goto(`/review?run=${runId}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Review synthesized tasks");
    await expect(page.getByLabel("Keyboard shortcuts")).toContainText("a approve");
    // The queue refreshes itself while the run synthesizes.
    const queue = page.getByRole("list", { name: "Pending tasks" });
    await expect(queue.getByRole("listitem").nth(1)).toBeVisible({ timeout: 240_000 });
    await expect(page.getByTestId("count-approved")).toHaveText("Approved 0");
    await expect(page.getByTestId("count-rejected")).toHaveText("Rejected 0");

    const detail = page.getByRole("region", { name: "Task under review" });
    await expect(detail.getByRole("group", { name: "Gate results and judge verdict" })).toContainText("✓ passed");
    await expect(detail.getByRole("table", { name: "Structure compared" })).toContainText("Dependency depth");
    await expect(detail.getByRole("table", { name: "Turns compared" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/review.png", fullPage: true });

    // A broken edit is refused with the gate that failed, and nothing is saved.
    const first = (await detail.getByRole("heading", { level: 2 }).innerText()).trim();
    await detail.getByRole("button", { name: "Edit user turns…" }).click();
    const turn1 = detail.getByRole("form", { name: "Edit user turns" }).getByLabel("Turn 1");
    await turn1.fill("");
    await detail.getByRole("button", { name: "Save edit" }).click();
    await expect(detail.getByRole("alert").filter({ hasText: "The edit was not saved" })).toContainText("turn 1 has no user message");
    await page.keyboard.press("Escape");

    // Approve with the button: the approved count goes up and the task leaves the queue.
    await detail.getByRole("toolbar", { name: "Decision" }).getByRole("button", { name: "Approve" }).click();
    await expect(page.getByTestId("review-notice")).toHaveText(`Approved ${first}.`);
    await expect(page.getByTestId("count-approved")).toHaveText("Approved 1");
    await expect(queue.getByRole("button", { name: new RegExp(`^${first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) })).toHaveCount(0);

    // Reject with the keyboard: r opens the form; a reason is required.
    await expect(detail.getByRole("heading", { level: 2 })).not.toHaveText(first);
    const second = (await detail.getByRole("heading", { level: 2 }).innerText()).trim();
    const secondHref = (await detail.getByRole("heading", { level: 2 }).getByRole("link").getAttribute("href"))!;
    await page.keyboard.press("r");
    const reject = detail.getByRole("form", { name: "Reject task" });
    await reject.getByRole("button", { name: "Reject task" }).click();
    await expect(reject.getByRole("alert")).toContainText("Give a reason");
    await reject.getByLabel(/Reason/).fill("The user never says which file to open.");
    await reject.getByRole("button", { name: "Reject task" }).click();
    await expect(page.getByTestId("count-rejected")).toHaveText("Rejected 1");
    await expect(page.getByTestId("count-approved")).toHaveText("Approved 1");
    await expect(page.getByTestId("review-notice")).toHaveText(`Rejected ${second}.`);

    // The decision is in the task's history, with who made it.
    await page.goto(secondHref);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(second);
    const review = page.getByRole("region", { name: "Review" });
    await expect(review).toContainText("rejected");
    await expect(review.getByRole("list", { name: "Review history" })).toContainText(`${admin.name} rejected`);
    await expect(review.getByRole("list", { name: "Review history" })).toContainText("The user never says which file to open.");
  });

  test("open a synthesized task and reach its seed through the lineage", async ({ page }) => {
    await page.goto("/tasks?origin=synthesized");
    const link = page.getByRole("table", { name: "Tasks" }).getByRole("link").first();
    await expect(link).toBeVisible({ timeout: 60_000 });
    // The list shows a short name (seed id + suffix); the full id is in the title.
    const variant = (await link.getAttribute("title"))!;
    expect(variant).toContain(`${await link.innerText().then((t) => t.split("~")[0])}~syn-`);
    expect(variant.endsWith((await link.innerText()).split("~")[1]!)).toBe(true);
    await link.click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(variant);

    const lineage = page.getByRole("region", { name: "Lineage" });
    const tree = lineage.getByRole("list", { name: "Lineage tree" });
    await expect(tree).toContainText(variant);
    await expect(tree).toContainText("seed");
    await expect(tree.locator('[aria-current="page"]')).toContainText(variant);
    const side = page.getByRole("region", { name: "Seed and variant side by side" });
    await expect(side.getByRole("table", { name: "Structure compared" })).toContainText("Calls per turn");
    await expect(side.getByRole("table", { name: "Turns compared" })).toBeVisible();
    await expect(page.getByRole("region", { name: /r̄ of this task over steps/ })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/lineage.png", fullPage: true });

    // The seed is the root of the tree: follow it, and the variant is among its descendants.
    const seedLink = tree.getByRole("link").first();
    const seed = await seedLink.innerText();
    expect(seed).not.toBe(variant);
    await seedLink.click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(seed);
    const seedTree = page.getByRole("region", { name: "Lineage" }).getByRole("list", { name: "Lineage tree" });
    await expect(seedTree.getByRole("link", { name: variant })).toBeVisible();
    await expect(page.getByRole("region", { name: "Lineage" })).toContainText("No ancestors: this task is a root.");
    await expect(page.getByRole("region", { name: "Seed and variant side by side" })).toHaveCount(0);

    // The seed was rolled out in the run: its reward history and a trajectory with per-turn verdicts.
    await expect(page.getByRole("img", { name: /r̄ of this task over steps, per run/ })).toBeVisible();
    const viewer = page.getByRole("region", { name: "Trajectory viewer" });
    await expect(viewer.getByRole("group", { name: "Rollout summary" })).toContainText(/reward R_P|Infrastructure failure/);
    await expect(viewer.getByLabel("Conversation")).toContainText("User");
    await expect(viewer.getByLabel("Turn 1 verdict")).toContainText("state_ok");
    await page.screenshot({ path: "test-results/screenshots/lineage-seed.png", fullPage: true });
  });
});
