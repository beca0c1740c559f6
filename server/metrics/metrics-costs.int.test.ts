// Cost figures on /metrics over real HTTP: for a rods run that synthesized and a static run, every figure a scrape
// reports equals what GET /api/v1/runs/{id}/costs serves for that run; only live runs and the latest finished ones
// are reported (COST_METRIC_RUNS), so the series stay bounded.
import { afterAll, describe, expect, inject, it } from "vitest";
import { ZRunCostV1 } from "../api/v1/costs";
import { createApiKey, createUser } from "../services/auth-service";
import { COST_METRIC_RUNS } from "../services/metrics-service";
import { createRun } from "../services/runs-service";
import { testDb } from "../../test/db";
import { startApiServer, type ApiServer } from "../../test/api-server";
import { parseExposition, pickSamples, sampleValue } from "../../test/prometheus";
import { useLoopWorker, waitForRunStatus } from "../../test/run-helpers";

const db = testDb();
const small = { epochs: 2, k: 4, batchSize: 10, limitSeeds: 20, evalLimit: 8, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 11 };
let server: ApiServer | undefined;
let key = "";
const runs = { rods: "", static: "" };

const auth = () => ({ headers: { Authorization: `Bearer ${key}` } });
async function scrape() {
  const res = await fetch(`${server!.url}/metrics`, auth());
  expect(res.status).toBe(200);
  return parseExposition(await res.text()).samples;
}
async function costsOf(runId: string) {
  const res = await fetch(`${server!.url}/api/v1/runs/${runId}/costs`, auth());
  expect(res.status).toBe(200);
  return ZRunCostV1.parse(await res.json());
}

describe("cost figures on /metrics", () => {
  const worker = useLoopWorker(db);
  afterAll(async () => {
    await server?.stop();
  });

  it("match GET /api/v1/runs/{id}/costs for a run that synthesized and for a static run", async () => {
    const [rods, stat] = await Promise.all([
      createRun({ db, jobs: worker.jobs(), config: { mode: "rods", ...small } }),
      createRun({ db, jobs: worker.jobs(), config: { mode: "static", ...small, epochs: 1 } }),
    ]);
    runs.rods = rods.id;
    runs.static = stat.id;
    for (const id of [rods.id, stat.id]) expect(await waitForRunStatus(db, id, ["completed", "failed", "paused"], 240_000)).toBe("completed");
    await expect.poll(() => db.synthesisAttempt.count({ where: { runId: rods.id, outcome: "running" } }), { timeout: 60_000 }).toBe(0);

    const user = await createUser({ db, email: "cost-metrics@example.org", name: "Cam", password: "cam's password" });
    key = (await createApiKey({ db, userId: user.id, name: "scraper", scopes: ["runs:read"] })).key;
    server = await startApiServer({ databaseUrl: inject("databaseUrl"), env: { RODS_ANONYMOUS_READ: "false" } });
    const samples = await scrape();

    for (const runId of [rods.id, stat.id]) {
      const cost = await costsOf(runId);
      const run = { run: runId };
      expect(pickSamples(samples, "rods_run_cost_info", run)).toEqual([
        { name: "rods_run_cost_info", labels: { run: runId, basis: cost.basis, synthesizer: cost.synthesizer, policy: cost.policy, tokens_estimated: String(cost.metrics.tokens.isEstimated) }, value: 1 },
      ]);
      for (const part of ["synthesis", "rollouts"] as const) {
        expect(sampleValue(samples, "rods_run_cost_tokens_total", { ...run, part, direction: "in" })).toBe(cost[part].tokensIn);
        expect(sampleValue(samples, "rods_run_cost_tokens_total", { ...run, part, direction: "out" })).toBe(cost[part].tokensOut);
        expect(sampleValue(samples, "rods_run_cost_wall_seconds_total", { ...run, part })).toBeCloseTo(cost[part].wallMs / 1000, 9);
        expect(sampleValue(samples, "rods_run_cost_cpu_seconds_total", { ...run, part })).toBeCloseTo(cost[part].cpuMs / 1000, 9);
      }
      expect(sampleValue(samples, "rods_run_synthesis_model_calls_total", run)).toBe(cost.synthesis.modelCalls);
      for (const metric of ["tokens", "wall", "cpu"] as const) {
        const share = cost.metrics[metric].share;
        if (share === null) expect(pickSamples(samples, "rods_run_synthesis_cost_share", { ...run, metric })).toHaveLength(0);
        else expect(sampleValue(samples, "rods_run_synthesis_cost_share", { ...run, metric })).toBeCloseTo(share, 9);
      }
      // The headline share is the one of the basis metric.
      expect(sampleValue(samples, "rods_run_synthesis_cost_share", { ...run, metric: cost.basis })).toBeCloseTo(cost.share!, 9);
    }

    // What a reader of the rods run sees: synthesis took worker CPU, the share is above 0, the tokens are estimates.
    const rodsCost = await costsOf(rods.id);
    expect(rodsCost.attempts).toBeGreaterThan(0);
    expect(sampleValue(samples, "rods_run_cost_cpu_seconds_total", { run: rods.id, part: "synthesis" })).toBeGreaterThan(0);
    expect(sampleValue(samples, "rods_run_synthesis_cost_share", { run: rods.id, metric: "cpu" })).toBeGreaterThan(0);
    expect(pickSamples(samples, "rods_run_cost_info", { run: rods.id, basis: "cpu", policy: "simulated", tokens_estimated: "true" })).toHaveLength(1);
    // The static run synthesized nothing: its share is 0, not absent.
    expect(sampleValue(samples, "rods_run_synthesis_cost_share", { run: stat.id, metric: "cpu" })).toBe(0);
    expect(sampleValue(samples, "rods_run_cost_cpu_seconds_total", { run: stat.id, part: "rollouts" })).toBeGreaterThan(0);
  });

  it(`reports live runs and the latest finished ones, ${COST_METRIC_RUNS} runs at most`, async () => {
    const { datasetId } = await db.run.findUniqueOrThrow({ where: { id: runs.rods }, select: { datasetId: true } });
    // A paused run made before everything else, then more finished runs than the bound, all finished after the two.
    const paused = await db.run.create({ data: { name: "paused long ago", mode: "rods", status: "paused", config: {}, datasetId, createdAt: new Date(Date.UTC(2020, 0, 1)) } });
    const now = Date.now();
    await db.run.createMany({
      data: Array.from({ length: COST_METRIC_RUNS + 5 }, (_, i) => ({
        id: `finished-${String(i).padStart(3, "0")}`, name: `finished ${i}`, mode: "static" as const, status: "completed" as const, config: {}, datasetId, finishedAt: new Date(now + 60_000 + i * 1000),
      })),
    });
    const reported = new Set(pickSamples(await scrape(), "rods_run_cost_info", {}).map((s) => s.labels.run));
    expect(reported.size).toBe(COST_METRIC_RUNS);
    expect(reported.has(paused.id)).toBe(true);
    expect(reported.has(`finished-${String(COST_METRIC_RUNS + 4).padStart(3, "0")}`)).toBe(true);
    // The earliest finished runs fall out: the two real runs and the oldest of the new ones.
    expect(reported.has(runs.rods)).toBe(false);
    expect(reported.has(runs.static)).toBe(false);
    expect(reported.has("finished-000")).toBe(false);
    // A run outside the bound still has its costs at /api/v1.
    expect((await costsOf(runs.rods)).attempts).toBeGreaterThan(0);
  });
});
