// The trainer seam over real HTTP: the API in a separate server process, the worker on the real queue, and a
// trainer loop in the test talking only HTTP. Covers publication, long poll, acks (duplicate, stale, never
// published, out of order), the lag gate (0 and 2), waiting-for-trainer, evaluation after the ack, scopes and limits.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../../db";
import { jobSender, startQueue } from "../../jobs/queue";
import { createApiKey, createUser } from "../../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { createRun } from "../../services/runs-service";
import { registerHandlers } from "../../worker/handlers";
import { resetData, testDb } from "../../../test/db";
import { startApiServer, type ApiServer } from "../../../test/api-server";
import { waitForRunStatus } from "../../../test/run-helpers";
import { ZBatch } from "./trainer";
import { startFakeOpenAI } from "../../../test/fake-openai-server";

const db = testDb();
let server: ApiServer;
let boss: PgBoss;
const keys = { trainer: "", runs: "" };

async function call(method: string, path: string, { key = keys.trainer, body }: { key?: string | null; body?: unknown } = {}) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}

const external = (extra: Record<string, unknown>) => ({ mode: "static", trainer: "external", k: 4, limitSeeds: 20, evalLimit: 8, seed: 3, ...extra });

/** Steps with at least one stored rollout: how far the driver has rolled out. */
async function highestRolledStep(runId: string): Promise<number> {
  const row = await db.rollout.aggregate({ where: { runId }, _max: { stepIndex: true } });
  return row._max.stepIndex ?? -1;
}

describe("/api/v1 trainer seam over HTTP", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "trainer@example.org", name: "Tess", password: "tess's password" });
    keys.trainer = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer", "runs:write"] })).key;
    keys.runs = (await createApiKey({ db, userId: user.id, name: "runs only", scopes: ["runs:write"] })).key;
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
  });
  afterAll(async () => {
    await server?.stop();
    await boss?.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("lag 0: publishes each scored step, waits for its ack before rolling out the next, evaluates the acknowledged version", async () => {
    const created = await call("POST", "/runs", { body: { name: "external lag 0", config: external({ epochs: 2, batchSize: 10, maxPolicyLag: 0 }) } });
    expect(created.status).toBe(201);
    const runId: string = created.json!.id;
    const acked: number[] = [];
    for (let expected = 0; expected < 4; expected++) {
      const res = await call("GET", `/runs/${runId}/batches/next?waitSeconds=30`);
      expect(res.status).toBe(200);
      const batch = ZBatch.parse(res.json);
      expect(batch.step).toBe(expected);
      expect(batch.groups).toHaveLength(10);
      for (const group of batch.groups) {
        expect(group.rollouts.map((r) => r.sample)).toEqual([0, 1, 2, 3]);
        expect(group.tools.length).toBeGreaterThan(0);
        const scored = group.rollouts.filter((r) => r.infraError === null);
        const mean = scored.reduce((n, r) => n + r.reward!, 0) / scored.length;
        // Group-normalised advantages: they sum to zero, and follow the reward's sign around the mean.
        expect(Math.abs(scored.reduce((n, r) => n + r.advantage!, 0))).toBeLessThan(1e-6);
        for (const r of scored) {
          const d = r.reward! - mean;
          // A reward at the mean up to rounding has an advantage of rounding size, of either sign.
          if (Math.abs(d) < 1e-12) expect(Math.abs(r.advantage!)).toBeLessThan(1e-6);
          else expect(Math.sign(r.advantage!)).toBe(Math.sign(d));
        }
        for (const r of group.rollouts) expect(r.policyVersion).toBe(expected); // rolled out after the ack of the step before
        expect(group.rollouts[0]!.messages[0]!.role).toBe("user");
      }
      // Lag 0: nothing of the next step is rolled out while this batch waits; the run says it is waiting.
      await expect.poll(async () => (await call("GET", `/runs/${runId}`)).json!.trainerWaitingSince, { timeout: 20_000 }).not.toBeNull();
      expect(await highestRolledStep(runId)).toBe(expected);
      // Polling again before the ack serves the same batch (a restarted trainer continues here).
      expect((await call("GET", `/runs/${runId}/batches/next?waitSeconds=0`)).json!.step).toBe(expected);

      const ack = await call("POST", `/runs/${runId}/batches/${expected}/ack`, { body: { policyVersion: expected + 1, metrics: { loss: 1 / (expected + 1), kl: 0.01 } } });
      expect(ack.status).toBe(200);
      expect(ack.json).toMatchObject({ step: expected, policyVersion: expected + 1, isDuplicate: false });
      acked.push(expected);
      // The same ack again is fine; another version for it, or a lower one than the run's, is not.
      expect((await call("POST", `/runs/${runId}/batches/${expected}/ack`, { body: { policyVersion: expected + 1, metrics: { loss: 1 / (expected + 1), kl: 0.01 } } })).json!.isDuplicate).toBe(true);
      const other = await call("POST", `/runs/${runId}/batches/${expected}/ack`, { body: { policyVersion: expected + 7 } });
      expect([other.status, other.json!.error.message]).toEqual([409, expect.stringContaining("acknowledged already")]);
    }
    const never = await call("POST", `/runs/${runId}/batches/99/ack`, { body: { policyVersion: 9 } });
    expect([never.status, never.json!.error.message]).toEqual([409, expect.stringContaining("has not been published")]);
    expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 120_000)).toBe("completed");
    const run = (await call("GET", `/runs/${runId}`)).json!;
    expect(run).toMatchObject({ policyVersion: 4, currentStep: 4, trainerWaitingSince: null });
    expect((await call("GET", `/runs/${runId}/batches/next?waitSeconds=5`)).status).toBe(204); // over: answers at once

    const steps = await db.step.findMany({ where: { runId }, select: { index: true, ackedPolicyVersion: true, trainerMetrics: true }, orderBy: { index: "asc" } });
    expect(steps.map((s) => s.ackedPolicyVersion)).toEqual([1, 2, 3, 4]);
    expect(steps[0]!.trainerMetrics).toEqual({ loss: 1, kl: 0.01 });
    // Held-out evaluation: before training, and after the ack of the last step (the acknowledged version 4).
    const evaluated = await db.evaluation.findMany({ where: { runId, category: "overall" }, select: { stepIndex: true }, orderBy: { stepIndex: "asc" } });
    expect(evaluated.map((e) => e.stepIndex)).toEqual([0, 4]);
  });

  it("lag 2: rolls out at most two steps ahead of the last acknowledged one, and refuses stale or out-of-order acks", async () => {
    const created = await call("POST", "/runs", { body: { name: "external lag 2", config: external({ epochs: 2, batchSize: 5, maxPolicyLag: 2 }) } });
    const runId: string = created.json!.id;
    let version = 0;
    let maxLead = 0;
    for (let expected = 0; expected < 8; expected++) {
      const batch = ZBatch.parse((await call("GET", `/runs/${runId}/batches/next?waitSeconds=30`)).json);
      expect(batch.step).toBe(expected);
      // Let the driver run as far ahead as it may: it stops at step expected + 2 (or the last step).
      const limit = Math.min(expected + 2, 7);
      await expect.poll(() => highestRolledStep(runId), { timeout: 30_000 }).toBe(limit);
      await expect.poll(async () => (await db.step.count({ where: { runId, index: { lte: limit }, status: "done" } })) === limit + 1, { timeout: 30_000 }).toBe(true);
      if (limit < 7) await expect.poll(async () => (await db.run.findUniqueOrThrow({ where: { id: runId } })).trainerWaitingSince, { timeout: 20_000 }).not.toBeNull();
      const highest = await highestRolledStep(runId);
      expect(highest - expected).toBeLessThanOrEqual(2);
      maxLead = Math.max(maxLead, highest - expected);
      // Rollouts ahead were made with the older policy (off-policy by at most the lag).
      for (const r of batch.groups.flatMap((g) => g.rollouts)) expect(expected - r.policyVersion).toBeLessThanOrEqual(2);

      if (expected === 1) {
        const outOfOrder = await call("POST", `/runs/${runId}/batches/2/ack`, { body: { policyVersion: version + 1 } });
        expect([outOfOrder.status, outOfOrder.json!.error.message]).toEqual([409, expect.stringContaining("Step 1 is older")]);
        const stale = await call("POST", `/runs/${runId}/batches/1/ack`, { body: { policyVersion: version - 1 } });
        expect([stale.status, stale.json!.error.message]).toEqual([409, expect.stringContaining("lower than the run's current version")]);
      }
      version += 1;
      expect((await call("POST", `/runs/${runId}/batches/${expected}/ack`, { body: { policyVersion: version } })).status).toBe(200);
    }
    expect(maxLead).toBe(2);
    expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 120_000)).toBe("completed");
    const versions = await db.rollout.groupBy({ by: ["stepIndex"], where: { runId }, _max: { policyVersion: true }, orderBy: { stepIndex: "asc" } });
    // Step s was rolled out once step s − 3 was acknowledged: with version ≥ s − 2.
    for (const v of versions) expect(v._max.policyVersion!).toBeGreaterThanOrEqual(Math.max(0, v.stepIndex - 2));
    expect(versions.some((v) => v._max.policyVersion! < v.stepIndex)).toBe(true);
  });

  it("guards the trainer routes: scope, key, body size, unknown fields, builtin runs", async () => {
    const run = await createRun({ db, jobs: jobSender(boss), config: external({ epochs: 1, batchSize: 10 }) });
    const noScope = await call("GET", `/runs/${run.id}/batches/next?waitSeconds=0`, { key: keys.runs });
    expect([noScope.status, noScope.json!.error.message]).toEqual([403, expect.stringContaining('scope "trainer"')]);
    expect((await call("POST", `/runs/${run.id}/batches/0/ack`, { key: keys.runs, body: { policyVersion: 1 } })).status).toBe(403);
    expect((await call("GET", `/runs/${run.id}/batches/next`, { key: null })).status).toBe(401);
    expect((await call("POST", `/runs/${run.id}/batches/0/ack`, { key: null, body: { policyVersion: 1 } })).status).toBe(401);

    const huge = { policyVersion: 1, metrics: Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`metric_${i}`, i])) };
    const oversize = await call("POST", `/runs/${run.id}/batches/0/ack`, { body: huge });
    expect([oversize.status, oversize.json!.error.message]).toEqual([413, expect.stringContaining("64 KB")]);
    const unknown = await call("POST", `/runs/${run.id}/batches/0/ack`, { body: { policyVersion: 1, weights: "…" } });
    expect([unknown.status, unknown.json!.error.message]).toEqual([400, expect.stringContaining("body.weights: unknown field")]);
    const badWait = await call("GET", `/runs/${run.id}/batches/next?waitSeconds=600`);
    expect([badWait.status, badWait.json!.error.message]).toEqual([400, expect.stringContaining("query.waitSeconds")]);
    expect(await db.step.count({ where: { runId: run.id, ackedAt: { not: null } } })).toBe(0);

    const builtin = await createRun({ db, jobs: jobSender(boss), config: { mode: "static", k: 2, limitSeeds: 4, batchSize: 4, epochs: 1, evalLimit: 4 } });
    const refused = await call("GET", `/runs/${builtin.id}/batches/next?waitSeconds=0`);
    expect([refused.status, refused.json!.error.message]).toEqual([409, expect.stringContaining('"trainer": "external"')]);
    expect((await call("GET", "/runs/nope/batches/next?waitSeconds=0")).status).toBe(404);
    await call("POST", `/runs/${run.id}/cancel`, { body: {} });
    await call("POST", `/runs/${builtin.id}/cancel`, { body: {} });
  });
  it("carries the token log-probabilities and ids the inference server returned, per assistant message", async () => {
    const model = await startFakeOpenAI({ script: () => ({ content: "I cannot help with that.", logprobs: [{ token: "I", logprob: -0.5 }, { token: " cannot", logprob: -1.25 }], tokenIds: [40, 2952] }) });
    try {
      const policy = { kind: "openai", baseUrl: model.url, model: "fake-model", logprobs: true, timeoutMs: 5_000 };
      const created = await call("POST", "/runs", { body: { name: "external logprobs", config: { ...external({ epochs: 1, batchSize: 4, limitSeeds: 4, evalLimit: 2, k: 2 }), policy } } });
      expect(created.status).toBe(201);
      const runId: string = created.json!.id;
      let batch: Record<string, any> | null = null;
      for (let i = 0; i < 20 && !batch; i++) batch = (await call("GET", `/runs/${runId}/batches/next?waitSeconds=10`)).json;
      expect(ZBatch.safeParse(batch).success).toBe(true);
      expect(model.requests.every((r) => r.logprobs === true)).toBe(true);
      for (const group of batch!.groups) {
        for (const rollout of group.rollouts) {
          expect(rollout.tokens.length).toBeGreaterThan(0);
          for (const t of rollout.tokens) {
            expect(rollout.messages[t.messageIndex]).toMatchObject({ role: "assistant", content: "I cannot help with that." });
            expect(t).toMatchObject({ tokens: ["I", " cannot"], logprobs: [-0.5, -1.25], tokenIds: [40, 2952] });
          }
        }
      }
      expect((await call("POST", `/runs/${runId}/batches/${batch!.step}/ack`, { body: { policyVersion: 1 } })).status).toBe(200);
      await call("POST", `/runs/${runId}/cancel`, { body: {} });
    } finally {
      await model.close();
    }
  });
});
