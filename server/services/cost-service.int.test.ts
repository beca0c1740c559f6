// What synthesis costs beside rollouts: the jobs record it where they run (worker CPU and wall time, the tokens an
// OpenAI-compatible server reports), and the share the service returns is the one the stored rows give.
import { afterAll, describe, expect, inject, it } from "vitest";
import type { JobSender } from "../jobs/contract";
import { testDb } from "../../test/db";
import { startApiServer } from "../../test/api-server";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../../test/fake-openai-server";
import { ZRunCostV1 } from "../api/v1/costs";
import { createApiKey, createUser } from "./auth-service";
import { useLoopWorker, waitForRunStatus } from "../../test/run-helpers";
import { getRunCosts } from "./cost-service";
import { createRun } from "./runs-service";
import { runSynthesisAttempt } from "./synthesis-service";

const db = testDb();
let fake: FakeOpenAI | undefined;
let rodsRunId = "";

const small = { epochs: 2, k: 4, batchSize: 10, limitSeeds: 20, evalLimit: 8, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 11 };

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("synthesis cost", () => {
  const worker = useLoopWorker(db);
  afterAll(async () => {
    await fake?.close();
  });

  it("a rods run with the procedural synthesizer records synthesis CPU and wall time, and the share is the stored rows'", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config: { mode: "rods", ...small } });
    rodsRunId = run.id;
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 240_000)).toBe("completed");
    await expect.poll(() => db.synthesisAttempt.count({ where: { runId: run.id, outcome: "running" } }), { timeout: 60_000 }).toBe(0);

    const attempts = await db.synthesisAttempt.findMany({ where: { runId: run.id }, select: { outcome: true, tokensIn: true, tokensOut: true, modelCalls: true, wallMs: true, cpuMs: true } });
    const ran = attempts.filter((a) => a.outcome === "accepted" || a.outcome === "dropped");
    expect(ran.length).toBeGreaterThan(0);
    for (const a of ran) {
      expect(a.wallMs).toBeGreaterThan(0);
      expect(a.cpuMs).toBeGreaterThan(0);
      // No model in procedural synthesis.
      expect(a).toMatchObject({ tokensIn: 0, tokensOut: 0, modelCalls: 0 });
    }
    const rollouts = await db.rollout.findMany({ where: { runId: run.id }, select: { jobCpuMs: true, jobWallMs: true, tokensIn: true, tokensOut: true } });
    expect(rollouts.every((r) => r.jobCpuMs > 0 && r.jobWallMs > 0)).toBe(true);

    // The step aggregates hold the sums of their rollouts' shares.
    const steps = await db.step.findMany({ where: { runId: run.id }, select: { status: true, rolloutCpuMs: true, rolloutWallMs: true } });
    expect(steps.every((s) => s.status === "done")).toBe(true);
    expect(sum(steps.map((s) => s.rolloutCpuMs))).toBeCloseTo(sum(rollouts.map((r) => r.jobCpuMs)), 6);
    expect(sum(steps.map((s) => s.rolloutWallMs))).toBeCloseTo(sum(rollouts.map((r) => r.jobWallMs)), 6);

    const [cost] = await getRunCosts({ db, runIds: [run.id] });
    const synthesisCpu = sum(attempts.map((a) => a.cpuMs));
    const rolloutCpu = sum(rollouts.map((r) => r.jobCpuMs));
    expect(cost).toMatchObject({ basis: "cpu", isEstimated: false, attempts: attempts.length, rolloutCount: rollouts.length });
    expect(cost!.share).toBeGreaterThan(0);
    expect(cost!.share!).toBeCloseTo(synthesisCpu / (synthesisCpu + rolloutCpu), 9);
    expect(cost!.metrics.cpu.synthesis).toBeCloseTo(synthesisCpu / 1000, 9);
    const synthesisWall = sum(attempts.map((a) => a.wallMs));
    const rolloutWall = sum(rollouts.map((r) => r.jobWallMs));
    expect(cost!.metrics.wall.share!).toBeCloseTo(synthesisWall / (synthesisWall + rolloutWall), 9);
    // The simulated learner's tokens are estimates, and the procedural synthesizer spends none.
    expect(cost!.metrics.tokens).toMatchObject({ synthesis: 0, rollouts: sum(rollouts.map((r) => r.tokensIn + r.tokensOut)), share: 0, isEstimated: true });
  });

  it("a static run's share is 0, not blank", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config: { mode: "static", ...small, epochs: 1 } });
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 240_000)).toBe("completed");
    const [cost] = await getRunCosts({ db, runIds: [run.id] });
    expect(cost).toMatchObject({ share: 0, attempts: 0 });
    expect(cost!.rolloutCount).toBeGreaterThan(0);
    expect(cost!.metrics.cpu.rollouts).toBeGreaterThan(0);
  });

  it("an llm synthesis attempt records the tokens the server reported, per stage, and the share counts them", async () => {
    // Every stage answers; each reply reports its own usage.
    const usage = { plan: { promptTokens: 1200, completionTokens: 150 }, rewrite: { promptTokens: 900, completionTokens: 80 }, judge: { promptTokens: 700, completionTokens: 20 } };
    const taskOf = (r: FakeChatRequest) => (JSON.parse(r.messages.at(-1)!.content ?? "{}") as { task: keyof typeof usage }).task;
    const plan = { turns: [{ calls: [{ name: "get_stock_info", arguments: { symbol: "GOOG" } }] }, { calls: [{ name: "multiply", arguments: { a: 2840.34, b: 2 } }] }] };
    const texts = { turns: ["I'm keeping an eye on Google today: please get me the latest information on 'GOOG'.", "With that price, work out 2840.34 times 2."] };
    const content = { plan, rewrite: texts, judge: { verdict: "accept", score: 0.9, reasons: [] } };
    fake = await startFakeOpenAI({ script: (r) => ({ content: JSON.stringify(content[taskOf(r)]), usage: usage[taskOf(r)] }) });

    // A dataset of one seed: look up a stock, then compute with its price.
    const dataset = await db.dataset.create({ data: { name: "cost-llm" }, select: { id: true } });
    const call = (name: string, args: Record<string, string | number>, source: string) => ({ name, args, source });
    const seed = await db.task.create({
      data: {
        datasetId: dataset.id,
        externalId: "multi_turn_base_cost",
        category: "base",
        split: "train",
        involvedClasses: ["TradingBot", "MathAPI"],
        numTurns: 2,
        turns: [[{ role: "user", content: "How is Apple doing?" }], [{ role: "user", content: "Add one to that price." }]],
        initialConfig: {},
        groundTruth: [[call("get_stock_info", { symbol: "AAPL" }, "get_stock_info(symbol='AAPL')")], [call("add", { a: 227.16, b: 1 }, "add(a=227.16, b=1)")]],
        contentHash: "cost-llm-seed",
      },
      select: { id: true },
    });
    const noJobs: JobSender = { send: async () => {} };
    const run = await createRun({
      db,
      jobs: noJobs,
      config: { mode: "rods", datasetName: "cost-llm", synthesizer: { kind: "llm", baseUrl: fake.url, model: "fake-model", timeoutMs: 5_000, maxRetries: 0 } },
    });
    const attempt = await db.synthesisAttempt.create({ data: { runId: run.id, stepIndex: 0, seedTaskId: seed.id, backend: "llm" }, select: { id: true } });
    const result = await runSynthesisAttempt({ db, attemptId: attempt.id });
    expect(result?.outcome, result?.errorMessage).toBe("accepted");
    expect(fake.requests.map(taskOf)).toEqual(["plan", "rewrite", "judge"]);

    const stored = await db.synthesisAttempt.findUniqueOrThrow({ where: { id: attempt.id }, select: { tokensIn: true, tokensOut: true, modelCalls: true, wallMs: true } });
    expect(stored).toMatchObject({ tokensIn: 1200 + 900 + 700, tokensOut: 150 + 80 + 20, modelCalls: 3 });
    expect(stored.wallMs).toBeGreaterThan(0);

    // One finished step of (simulated, so estimated) rollout tokens beside it: the headline is the token share.
    await db.step.create({ data: { runId: run.id, index: 0, epoch: 0, status: "done", numRollouts: 16, tokensIn: 9_000, tokensOut: 3_200 } });
    const [cost] = await getRunCosts({ db, runIds: [run.id] });
    expect(cost).toMatchObject({ basis: "tokens", isEstimated: true, attempts: 1, rolloutCount: 16 });
    expect(cost!.synthesis.modelCalls).toBe(3);
    expect(cost!.share).toBeCloseTo(3_050 / (3_050 + 12_200), 12);
    expect(cost!.basisText).toMatch(/estimated/);
  });

  it("answers 404 for an unknown run", async () => {
    await expect(getRunCosts({ db, runIds: ["no-such-run"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("serves the same costs at GET /api/v1/runs/{id}/costs over HTTP, to a key with runs:read", async () => {
    const user = await createUser({ db, email: "costs@example.org", name: "Cora", password: "cora's password" });
    const { key } = await createApiKey({ db, userId: user.id, name: "reader", scopes: ["runs:read"] });
    const server = await startApiServer({ databaseUrl: inject("databaseUrl") });
    try {
      const get = (id: string, auth?: string) => fetch(`${server.url}/api/v1/runs/${id}/costs`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} });
      const res = await get(rodsRunId, key);
      expect(res.status).toBe(200);
      const body = ZRunCostV1.parse(await res.json());
      const [cost] = await getRunCosts({ db, runIds: [rodsRunId] });
      expect(body).toMatchObject({ runId: rodsRunId, basis: "cpu", share: cost!.share, attempts: cost!.attempts, rolloutCount: cost!.rolloutCount });
      expect((await get(rodsRunId)).status).toBe(401);
      const missing = await get("no-such-run", key);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("no-such-run");
    } finally {
      await server.stop();
    }
  });
});
