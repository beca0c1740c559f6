// /metrics over real HTTP from a separate server process: the exposition parses, its run, step, synthesis and queue
// numbers equal what the database holds, /api/v1 requests show up in the duration histogram, and access follows
// the anonymous-reading setting (else an API key with runs:read).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import { JOBS } from "../jobs/contract";
import { startQueue } from "../jobs/queue";
import { createApiKey, createUser } from "../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../services/import-service";
import { resetData, testDb } from "../../test/db";
import { startApiServer, type ApiServer } from "../../test/api-server";
import { parseExposition, pickSamples as pick, sampleValue as valueOf } from "../../test/prometheus";

const db = testDb();
let closed: ApiServer;
let open: ApiServer;
const keys = { read: "", trainer: "" };
let runId = "";
let otherRunId = "";

async function scrape(server: ApiServer, key?: string) {
  const res = await fetch(`${server.url}/metrics`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

describe("/metrics over HTTP", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "ops@example.org", name: "Ops", password: "ops's password" });
    keys.read = (await createApiKey({ db, userId: user.id, name: "reader", scopes: ["runs:read"] })).key;
    keys.trainer = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer"] })).key;

    const dataset = await db.dataset.findUniqueOrThrow({ where: { name: BFCL_DATASET } });
    const seeds = await db.task.findMany({ where: { datasetId: dataset.id }, take: 2, orderBy: { id: "asc" } });
    const run = await db.run.create({ data: { name: "metrics run", mode: "rods", status: "running", config: {}, datasetId: dataset.id } });
    const other = await db.run.create({ data: { name: "empty run", mode: "static", status: "queued", config: {}, datasetId: dataset.id } });
    runId = run.id;
    otherRunId = other.id;
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    // Three finished steps of 10 s, 30 s and 20 s, and one still rolling.
    const steps = [
      { index: 0, rollouts: 16, infra: 0, seconds: 10 },
      { index: 1, rollouts: 16, infra: 2, seconds: 30 },
      { index: 2, rollouts: 12, infra: 4, seconds: 20 },
    ];
    for (const s of steps) {
      await db.step.create({
        data: {
          runId, index: s.index, epoch: 0, status: "done", numRollouts: s.rollouts, infraFailures: s.infra, tokensIn: 100 * (s.index + 1), tokensOut: 7,
          startedAt: new Date(t0 + s.index * 60_000), finishedAt: new Date(t0 + s.index * 60_000 + s.seconds * 1000),
        },
      });
    }
    await db.step.create({ data: { runId, index: 3, epoch: 1, status: "rolling", numRollouts: 5, infraFailures: 1, startedAt: new Date(t0 + 300_000) } });
    const attempt = (outcome: "accepted" | "dropped" | "cancelled", errorType: string | null) =>
      db.synthesisAttempt.create({ data: { runId, stepIndex: 1, seedTaskId: seeds[0]!.id, backend: "procedural", outcome, errorType } });
    await attempt("accepted", null);
    await attempt("accepted", null);
    await attempt("dropped", "vm_exec_failed");
    await attempt("dropped", "vm_exec_failed");
    await attempt("dropped", "vm_exec_failed");
    await attempt("dropped", "judge_rejected");
    await attempt("cancelled", null);

    // Two rollout-group jobs waiting in the queue (no worker here takes them; evaluate is stately and would keep one).
    const boss = await startQueue({ url: inject("databaseUrl"), isWorker: false });
    await boss.send(JOBS.rolloutGroup, { runId, stepIndex: 0, taskId: "a" });
    await boss.send(JOBS.rolloutGroup, { runId, stepIndex: 0, taskId: "b" });
    await boss.stop({ graceful: false, wait: true });

    [closed, open] = await Promise.all([
      startApiServer({ databaseUrl: inject("databaseUrl"), env: { RODS_ANONYMOUS_READ: "false" } }),
      startApiServer({ databaseUrl: inject("databaseUrl"), env: { RODS_ANONYMOUS_READ: "true" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([closed?.stop(), open?.stop()]);
    await disconnectDb();
  });

  it("needs an API key with runs:read when anonymous reading is off, and is open when it is on", async () => {
    const anonymous = await scrape(closed);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).error.message).toContain("API key");
    const wrongScope = await scrape(closed, keys.trainer);
    expect(wrongScope.status).toBe(403);
    expect(JSON.parse(wrongScope.text).error.message).toContain("runs:read");
    const withKey = await scrape(closed, keys.read);
    expect(withKey.status).toBe(200);
    expect(withKey.contentType).toContain("text/plain");
    expect((await scrape(open)).status).toBe(200);
  });

  it("reports each run's rollouts, infrastructure failures, tokens and step durations as the Step rows hold them", async () => {
    const { samples, types } = parseExposition((await scrape(closed, keys.read)).text);
    expect(types.get("rods_run_rollouts_total")).toBe("counter");
    expect(types.get("rods_http_request_duration_seconds")).toBe("histogram");
    expect(valueOf(samples, "rods_metrics_database_up", {})).toBe(1);

    const agg = await db.step.aggregate({ where: { runId }, _sum: { numRollouts: true, infraFailures: true, tokensIn: true, tokensOut: true } });
    expect(valueOf(samples, "rods_run_rollouts_total", { run: runId })).toBe(agg._sum.numRollouts);
    expect(valueOf(samples, "rods_run_rollouts_total", { run: runId })).toBe(16 + 16 + 12 + 5);
    expect(valueOf(samples, "rods_run_infra_failures_total", { run: runId })).toBe(agg._sum.infraFailures);
    expect(valueOf(samples, "rods_run_infra_failures_total", { run: runId })).toBe(7);
    expect(valueOf(samples, "rods_run_tokens_total", { run: runId, direction: "in" })).toBe(agg._sum.tokensIn);
    expect(valueOf(samples, "rods_run_tokens_total", { run: runId, direction: "out" })).toBe(agg._sum.tokensOut);
    expect(valueOf(samples, "rods_run_steps_done", { run: runId })).toBe(await db.step.count({ where: { runId, status: "done" } }));
    expect(valueOf(samples, "rods_run_last_step_duration_seconds", { run: runId })).toBeCloseTo(20, 6);
    expect(valueOf(samples, "rods_run_mean_step_duration_seconds", { run: runId })).toBeCloseTo(20, 6);
    expect(valueOf(samples, "rods_run_max_step_duration_seconds", { run: runId })).toBeCloseTo(30, 6);
    expect(pick(samples, "rods_run_info", { run: runId, name: "metrics run", mode: "rods", status: "running" })).toHaveLength(1);

    // A run without steps reports zeros and no step durations (there is no step to time).
    expect(valueOf(samples, "rods_run_rollouts_total", { run: otherRunId })).toBe(0);
    expect(pick(samples, "rods_run_last_step_duration_seconds", { run: otherRunId })).toHaveLength(0);
  });

  it("counts synthesis attempts by outcome and error type, and waiting jobs by queue", async () => {
    const { samples } = parseExposition((await scrape(open)).text);
    const groups = await db.synthesisAttempt.groupBy({ by: ["outcome", "errorType"], where: { runId }, _count: { _all: true } });
    for (const g of groups) {
      expect(valueOf(samples, "rods_synthesis_attempts_total", { run: runId, outcome: g.outcome, error_type: g.errorType ?? "none" })).toBe(g._count._all);
    }
    expect(valueOf(samples, "rods_synthesis_attempts_total", { run: runId, outcome: "dropped", error_type: "vm_exec_failed" })).toBe(3);
    expect(pick(samples, "rods_synthesis_attempts_total", { run: runId })).toHaveLength(4);

    const [{ n }] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created'`, JOBS.rolloutGroup);
    expect(n).toBe(2);
    expect(valueOf(samples, "rods_queue_jobs", { queue: JOBS.rolloutGroup, state: "created" })).toBe(n);
    expect(valueOf(samples, "rods_queue_jobs", { queue: JOBS.rolloutGroup, state: "active" })).toBe(0);
  });

  it("times /api/v1 requests under the route template, never the raw path", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${closed.url}/api/v1/runs/${runId}`, { headers: { Authorization: `Bearer ${keys.read}` } });
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${closed.url}/api/v1/runs/no-such-run`, { headers: { Authorization: `Bearer ${keys.read}` } })).status).toBe(404);
    const { samples } = parseExposition((await scrape(closed, keys.read)).text);
    const ok = { surface: "api_v1", method: "GET", route: "/runs/{id}", status: "200" };
    expect(valueOf(samples, "rods_http_request_duration_seconds_count", ok)).toBe(3);
    expect(valueOf(samples, "rods_http_request_duration_seconds_bucket", { ...ok, le: "+Inf" })).toBe(3);
    expect(valueOf(samples, "rods_http_request_duration_seconds_sum", ok)).toBeGreaterThan(0);
    expect(valueOf(samples, "rods_http_request_duration_seconds_count", { ...ok, status: "404" })).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes(runId))).toBe(false);
  });
});
