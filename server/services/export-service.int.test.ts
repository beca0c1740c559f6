// Exports of a real (small) rods run: each format read back by an independent reader. The BFCL folder goes
// through `importTaskFolder` (what `rods import` runs) into a new dataset and must give the same tasks; the Parquet
// file is read by parquet-wasm (arrow-rs), not by the library that wrote it; the CLI runs as its own process.
// Token counts say whether they are estimates (the simulated learner's; not an openai policy's, against the fake
// server), and the per-step CSV carries what rollouts and synthesis cost, summing to GET /api/v1/runs/{id}/costs.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { tableFromIPC } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApiServer, type ApiServer } from "../../test/api-server";
import { resetData, testDb } from "../../test/db";
import { startFakeOpenAI } from "../../test/fake-openai-server";
import { waitForRunStatus } from "../../test/run-helpers";
import { ZRunCostV1 } from "../api/v1/costs";
import { disconnectDb } from "../db";
import { jobSender, startQueue } from "../jobs/queue";
import { projectRoot } from "../platform/paths";
import { registerHandlers } from "../worker/handlers";
import { exportRun, streamRunExport } from "./export-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { createApiKey, createUser } from "./auth-service";
import { createRun } from "./runs-service";

const db = testDb();
const run = promisify(execFile);
let boss: PgBoss;
let runId: string;
let dir: string;

/** A CSV export as rows of named cells (the cell rule quotes nothing in these columns). */
function readCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split("\n");
  const names = head!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i]!, cell])));
}
const sumOf = (rows: Record<string, string>[], column: string) => rows.reduce((n, r) => n + Number(r[column]), 0);

async function download(server: ApiServer, key: string, runId: string, path: string) {
  const res = await fetch(`${server.url}/api/v1/runs/${runId}/${path}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** the run's pool tasks that an export must contain (a rejected one is left out) */
let expected: { id: string; externalId: string; contentHash: string; category: string; origin: string; turns: unknown }[];

describe("exports of a run", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
    const created = await createRun({
      db,
      jobs: jobSender(boss),
      config: { mode: "rods", epochs: 2, k: 4, batchSize: 16, limitSeeds: 24, evalLimit: 16, seedQuotaPerCategory: 2, cooldownSteps: 1, seed: 11 },
    });
    runId = created.id;
    // expect.poll only runs inside a test; beforeAll waits with a plain loop.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const { status } = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
      const running = await db.synthesisAttempt.count({ where: { runId, outcome: "running" } });
      if (["failed", "paused", "cancelled"].includes(status)) throw new Error(`the run ended ${status}`);
      if (status === "completed" && running === 0) break;
      if (Date.now() > deadline) throw new Error(`the run is still ${status} after 5 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const synthesized = await db.poolEntry.findMany({ where: { runId, isSeed: false }, select: { taskId: true }, orderBy: { taskId: "asc" } });
    expect(synthesized.length).toBeGreaterThan(1);
    await db.task.update({ where: { id: synthesized[0]!.taskId }, data: { reviewState: "rejected" } });
    const pool = await db.poolEntry.findMany({
      where: { runId, task: { reviewState: { not: "rejected" } } },
      select: { task: { select: { id: true, externalId: true, contentHash: true, category: true, origin: true, turns: true } } },
    });
    expected = pool.map((p) => p.task);
    dir = mkdtempSync(path.join(tmpdir(), "rods-export-test-"));
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await disconnectDb();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the pool in BFCL's format, and rods import reads it back as the same tasks", async () => {
    const out = path.join(dir, "bfcl");
    const summary = await exportRun({ db, runId, format: "bfcl", out });
    expect(summary.rows).toBe(expected.length);
    expect(expected.some((t) => t.origin === "synthesized")).toBe(true);
    const imported = await importTaskFolder({ db, dir: out, datasetName: "roundtrip", origin: "imported" });
    expect(imported).toMatchObject({ read: expected.length, created: expected.length });
    const back = await db.task.findMany({ where: { dataset: { name: "roundtrip" } }, select: { externalId: true, contentHash: true, category: true, turns: true } });
    const byId = new Map(back.map((t) => [t.externalId, t]));
    for (const t of expected) {
      const b = byId.get(t.externalId);
      expect(b, t.externalId).toBeDefined();
      // same user turns, ground truth and initial configuration (the content hash covers all three)
      expect(b!.contentHash).toBe(t.contentHash);
      expect(b!.category).toBe(t.category);
      expect(b!.turns).toEqual(t.turns);
    }
  });

  it("writes verl's RL layout as Parquet that an independent reader (arrow-rs) reads back", async () => {
    const file = path.join(dir, "verl.parquet");
    expect((await exportRun({ db, runId, format: "verl-parquet", out: file })).rows).toBe(expected.length);
    const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
    expect(table.numRows).toBe(expected.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["data_source", "prompt", "ability", "reward_model", "extra_info"]);
    const rows = table.toArray().map((r) => r.toJSON() as Record<string, any>);
    const byTask = new Map(expected.map((t) => [t.externalId, t]));
    for (const row of rows) {
      const task = byTask.get(row.extra_info.task_id)!;
      expect(task).toBeDefined();
      const firstTurn = (task.turns as { role: string; content: string }[][])[0]!;
      expect(JSON.parse(JSON.stringify(row.prompt))).toEqual(firstTurn);
      expect(row.reward_model.style).toBe("rule");
      const gt = JSON.parse(row.reward_model.ground_truth) as string[][];
      expect(gt).toHaveLength((task.turns as unknown[]).length);
      const tools = JSON.parse(row.extra_info.tools) as { type: string; function: { name: string } }[];
      expect(tools.length).toBeGreaterThan(0);
      expect(tools.every((t) => t.type === "function")).toBe(true);
      // every ground-truth call is to a tool the row offers
      const names = new Set(tools.map((t) => t.function.name));
      for (const call of gt.flat()) expect(names.has(call.slice(0, call.indexOf("(")))).toBe(true);
      expect(row.extra_info.category).toBe(task.category);
    }
    expect(new Set(rows.map((r) => Number(r.extra_info.index)))).toEqual(new Set(rows.map((_, i) => i)));
  });

  it("writes TRL JSONL, trajectories and per-step metrics that match the stored rows", async () => {
    const trl = readFileSync((await exportRun({ db, runId, format: "trl-jsonl", out: path.join(dir, "trl.jsonl") })).path, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(trl).toHaveLength(expected.length);
    expect(trl[0]).toMatchObject({ prompt: [{ role: "user" }], tools: expect.any(Array), ground_truth: expect.any(Array) });

    const trajFile = path.join(dir, "trajectories.jsonl");
    const traj = (await exportRun({ db, runId, format: "trajectories", out: trajFile })).rows;
    expect(traj).toBe(await db.rollout.count({ where: { runId } }));
    const lines = readFileSync(trajFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const first = lines[0];
    const stored = await db.rollout.findFirstOrThrow({ where: { runId, stepIndex: first.step - 1, task: { externalId: first.task_id }, sample: first.sample } });
    expect(first.reward).toBe(stored.reward);
    expect(first.advantage).toBe(stored.advantage);
    expect(first.messages).toEqual(stored.messages);
    expect(first.messages.some((m: { role: string }) => m.role === "user")).toBe(true);
    expect(first.tools.length).toBeGreaterThan(0);
    expect(Math.min(...lines.map((l) => l.step))).toBe(1);

    const csv = readFileSync((await exportRun({ db, runId, format: "metrics-csv", out: path.join(dir, "metrics.csv") })).path, "utf8").trim().split("\n");
    const header = csv[0]!.split(",");
    const steps = await db.step.findMany({ where: { runId, status: "done" }, orderBy: { index: "asc" } });
    expect(csv).toHaveLength(steps.length + 1);
    const col = (line: string, name: string) => line.split(",")[header.indexOf(name)]!;
    expect(col(csv[1]!, "step")).toBe("1");
    expect(Number(col(csv.at(-1)!, "informative_fraction"))).toBe(steps.at(-1)!.informativeFraction);
    expect(Number(col(csv.at(-1)!, "rollouts"))).toBe(steps.at(-1)!.numRollouts);
    const finalEval = await db.evaluation.findFirstOrThrow({ where: { runId, category: "overall", stepIndex: steps.length } });
    expect(Number(col(csv.at(-1)!, "held_out_after_step"))).toBe(finalEval.score);
  });

  it("streams the BFCL folder as a tar that the system tar lists", async () => {
    const stream = await streamRunExport({ db, runId, format: "bfcl" });
    const file = path.join(dir, "bfcl.tar");
    const chunks: Uint8Array[] = [];
    for await (const c of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, Buffer.concat(chunks));
    const { stdout } = await run("tar", ["-tf", file]);
    const names = stdout.trim().split("\n");
    expect(names).toContain(`rods-${runId}-bfcl/questions/base.jsonl`);
    expect(names).toContain(`rods-${runId}-bfcl/answers/base.jsonl`);
    const { stdout: base } = await run("tar", ["-xOf", file, `rods-${runId}-bfcl/questions/base.jsonl`]);
    expect(base.trim().split("\n").length).toBe(expected.filter((t) => t.category === "base").length);
  });

  it("exports from the command line as a separate process, and refuses an unknown run or format", async () => {
    const env = { ...process.env, DATABASE_URL: inject("databaseUrl") };
    const out = path.join(dir, "cli-metrics.csv");
    const { stdout } = await run("npx", ["tsx", "scripts/rods.ts", "export", runId, "--format", "metrics-csv", "--out", out], { cwd: projectRoot, env });
    expect(stdout).toMatch(/metrics-csv: wrote \d+ steps/);
    expect(readFileSync(out, "utf8").split("\n")[0]).toMatch(/^step,epoch,/);
    const unknown = await run("npx", ["tsx", "scripts/rods.ts", "export", "no-such-run", "--format", "bfcl", "--out", path.join(dir, "x")], { cwd: projectRoot, env }).catch((e) => e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No run with id "no-such-run"');
    const badFormat = await run("npx", ["tsx", "scripts/rods.ts", "export", runId, "--format", "xml", "--out", out], { cwd: projectRoot, env }).catch((e) => e);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('unknown format "xml"');
  });

  it("serves each format over HTTP at /api/v1/runs/{id}/export with a runs:read key, the same bytes as the CLI's", async () => {
    const user = await createUser({ db, email: "exporter@example.org", name: "Exporter", password: "exporter's password" });
    const read = (await createApiKey({ db, userId: user.id, name: "export reader", scopes: ["runs:read"] })).key;
    const trainer = (await createApiKey({ db, userId: user.id, name: "trainer only", scopes: ["trainer"] })).key;
    const server = await startApiServer({ databaseUrl: inject("databaseUrl") });
    try {
      const get = (query: string, key = read) => fetch(`${server.url}/api/v1/runs/${query}`, { headers: { Authorization: `Bearer ${key}` } });
      const metrics = await get(`${runId}/export?format=metrics-csv`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-disposition")).toBe(`attachment; filename="rods-${runId}-metrics.csv"`);
      expect(await metrics.text()).toBe(readFileSync(path.join(dir, "metrics.csv"), "utf8"));
      const traj = await get(`${runId}/export?format=trajectories`);
      expect(await traj.text()).toBe(readFileSync(path.join(dir, "trajectories.jsonl"), "utf8"));
      const parquet = await get(`${runId}/export?format=verl-parquet`);
      const table = tableFromIPC(readParquet(new Uint8Array(await parquet.arrayBuffer())).intoIPCStream());
      expect(table.numRows).toBe(expected.length);
      expect((await get(`no-such-run/export?format=bfcl`)).status).toBe(404);
      const bad = await get(`${runId}/export?format=xml`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("query.format");
      expect((await get(`${runId}/export?format=bfcl`, trainer)).status).toBe(403);
    } finally {
      await server.stop();
    }
  });

  it("flags the simulated learner's tokens as estimated and carries per-step costs that sum to the run's costs, over HTTP", async () => {
    const user = await createUser({ db, email: "cost-exporter@example.org", name: "Cost exporter", password: "cost exporter's password" });
    const key = (await createApiKey({ db, userId: user.id, name: "cost export reader", scopes: ["runs:read"] })).key;
    const server = await startApiServer({ databaseUrl: inject("databaseUrl") });
    try {
      const trajectories = (await download(server, key, runId, "export?format=trajectories")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(trajectories.length).toBeGreaterThan(0);
      expect(trajectories.every((t) => t.tokens_estimated === true)).toBe(true);

      const rows = readCsv(await download(server, key, runId, "export?format=metrics-csv"));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.tokens_estimated === "true")).toBe(true);
      const cost = ZRunCostV1.parse(JSON.parse(await download(server, key, runId, "costs")));
      expect(cost.attempts).toBeGreaterThan(0);
      expect(sumOf(rows, "synthesis_attempts")).toBe(cost.attempts);
      expect(sumOf(rows, "synthesis_model_calls")).toBe(cost.synthesis.modelCalls);
      expect(sumOf(rows, "synthesis_tokens_in")).toBe(cost.synthesis.tokensIn);
      expect(sumOf(rows, "synthesis_tokens_out")).toBe(cost.synthesis.tokensOut);
      expect(sumOf(rows, "synthesis_wall_ms")).toBeCloseTo(cost.synthesis.wallMs, 6);
      expect(sumOf(rows, "synthesis_cpu_ms")).toBeCloseTo(cost.synthesis.cpuMs, 6);
      expect(sumOf(rows, "synthesis_cpu_ms")).toBeGreaterThan(0);
      expect(sumOf(rows, "rollouts")).toBe(cost.rolloutCount);
      expect(sumOf(rows, "rollout_wall_ms")).toBeCloseTo(cost.rollouts.wallMs, 6);
      expect(sumOf(rows, "rollout_cpu_ms")).toBeCloseTo(cost.rollouts.cpuMs, 6);
      expect(sumOf(rows, "tokens_in") + sumOf(rows, "tokens_out")).toBe(cost.rollouts.tokensIn + cost.rollouts.tokensOut);
      // The headline share the API gives is the one these columns give (worker CPU here).
      const [synthesisCpu, rolloutCpu] = [sumOf(rows, "synthesis_cpu_ms"), sumOf(rows, "rollout_cpu_ms")];
      expect(cost.basis).toBe("cpu");
      expect(cost.share!).toBeCloseTo(synthesisCpu / (synthesisCpu + rolloutCpu), 6);
    } finally {
      await server.stop();
    }
  });

  it("says an openai policy's tokens are the server's, not estimates, in the trajectories and the per-step CSV", async () => {
    // Every model turn answers without a call and reports its usage: 321 prompt and 12 completion tokens.
    const fake = await startFakeOpenAI({ script: () => ({ content: "Done.", usage: { promptTokens: 321, completionTokens: 12 } }) });
    const user = await createUser({ db, email: "openai-exporter@example.org", name: "OpenAI exporter", password: "openai exporter's password" });
    const key = (await createApiKey({ db, userId: user.id, name: "openai export reader", scopes: ["runs:read"] })).key;
    const server = await startApiServer({ databaseUrl: inject("databaseUrl") });
    try {
      const created = await createRun({
        db,
        jobs: jobSender(boss),
        config: {
          mode: "static", epochs: 1, k: 2, batchSize: 4, limitSeeds: 4, evalLimit: 2,
          policy: { kind: "openai", baseUrl: fake.url, model: "fake-model", timeoutMs: 5_000, maxRetries: 0, concurrency: 4, temperature: 0.7 },
        },
      });
      expect(await waitForRunStatus(db, created.id, ["completed", "failed", "paused", "cancelled"], 240_000)).toBe("completed");

      const trajectories = (await download(server, key, created.id, "export?format=trajectories")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | boolean | null>);
      expect(trajectories.length).toBe(await db.rollout.count({ where: { runId: created.id } }));
      for (const t of trajectories) {
        expect(t.tokens_estimated).toBe(false);
        // the server's counts, one usage per model turn
        expect(t.tokens_in).toBeGreaterThan(0);
        expect(Number(t.tokens_in) % 321).toBe(0);
        expect(Number(t.tokens_out) % 12).toBe(0);
      }
      const rows = readCsv(await download(server, key, created.id, "export?format=metrics-csv"));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.tokens_estimated === "false")).toBe(true);
      expect(sumOf(rows, "tokens_in")).toBe(trajectories.reduce((n, t) => n + Number(t.tokens_in), 0));
      // A static run synthesizes nothing, and says so with zeros.
      expect(sumOf(rows, "synthesis_attempts")).toBe(0);
    } finally {
      await server.stop();
      await fake.close();
    }
  });
});
