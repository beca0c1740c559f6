// Tool calls per second through environment sessions over HTTP and over MCP, as ratios to the same calls made
// in-process in the same run. Run: npx tsx bench/env-service/index.ts [--tasks 32] [--concurrency 8] [--rounds 3]
//
// Workload: the ground truth of `tasks` BFCL base tasks played as an agent plays them: open a session, one call per
// request, next turn, finish; `concurrency` sessions at a time. Measured four ways (best of `rounds`):
//   env      the BFCL environment alone in this process (no database): the ceiling, no session bookkeeping;
//   service  the session service in this process (each call stored in Postgres, row lock, replay cache): the baseline;
//   http     /api/v1/env/sessions from a separate server process (test/api-server.ts), with API-key auth;
//   mcp      /api/v1/mcp with the MCP SDK's Client (Streamable HTTP), same server.
// Database: rods_bench_env_test on an embedded server under .rods/bench-env (or DATABASE_URL's server).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { performance } from "node:perf_hooks";
import { disconnectDb, getDb } from "../../server/db";
import { createBfclEnvironment } from "../../server/envs/bfcl/bfcl-env";
import type { RolloutTask } from "../../server/policies/types";
import { createApiKey, createUser } from "../../server/services/auth-service";
import { createEnvSession, executeSessionCalls, finishEnvSession, nextSessionTurn } from "../../server/services/env-session-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../server/services/import-service";
import { resolveTask } from "../../server/services/task-lookup";
import { startApiServer } from "../../test/api-server";
import { createMigratedTestDatabase, provideTestServer } from "../../test/test-database";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const TASKS = arg("tasks", 32);
const CONCURRENCY = arg("concurrency", 8);
const ROUNDS = arg("rounds", 3);

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function bestOf(fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up
  let min = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const server = await provideTestServer(".rods/bench-env");
try {
  const url = await createMigratedTestDatabase(server.adminUrl, "rods_bench_env_test");
  process.env.DATABASE_URL = url;
  const db = getDb();
  await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  const user = await createUser({ db, email: "bench@rods.local", name: "Bench", password: "bench-password" });
  const { key } = await createApiKey({ db, userId: user.id, name: "bench", scopes: ["trainer"] });
  const tasks: RolloutTask[] = [];
  for (let i = 0; i < TASKS; i++) tasks.push(await resolveTask({ db, taskId: `multi_turn_base_${i}` }));
  const calls = tasks.reduce((n, t) => n + t.groundTruth.flat().length, 0);
  const api = await startApiServer({ databaseUrl: url });
  const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
  const post = async (path: string, body?: unknown) => {
    const res = await fetch(`${api.url}/api/v1${path}`, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, any>>;
  };

  try {
    const envMs = await bestOf(async () => {
      for (const task of tasks) {
        const env = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
        for (const turn of task.groundTruth) for (const c of turn) env.execute({ name: c.name, args: c.args });
      }
    });
    const serviceMs = await bestOf(() =>
      pool(tasks, CONCURRENCY, async (task) => {
        const { sessionId } = await createEnvSession({ db, taskId: task.id, userId: user.id });
        for (let t = 0; t < task.groundTruth.length; t++) {
          if (t > 0) await nextSessionTurn({ db, sessionId, userId: user.id });
          for (const c of task.groundTruth[t]!) await executeSessionCalls({ db, sessionId, userId: user.id, calls: [{ name: c.name, arguments: c.args }] });
        }
        await finishEnvSession({ db, sessionId, userId: user.id });
      }),
    );
    const httpMs = await bestOf(() =>
      pool(tasks, CONCURRENCY, async (task) => {
        const { sessionId } = await post("/env/sessions", { taskId: task.id });
        for (let t = 0; t < task.groundTruth.length; t++) {
          if (t > 0) await post(`/env/sessions/${sessionId}/next-turn`);
          for (const c of task.groundTruth[t]!) await post(`/env/sessions/${sessionId}/calls`, { calls: [{ name: c.name, arguments: c.args }] });
        }
        await post(`/env/sessions/${sessionId}/finish`);
      }),
    );
    const mcpMs = await bestOf(() =>
      pool(tasks, CONCURRENCY, async (task) => {
        const transport = new StreamableHTTPClientTransport(new URL(`${api.url}/api/v1/mcp?taskId=${task.id}`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
        const client = new Client({ name: "bench", version: "1" });
        await client.connect(transport);
        for (let t = 0; t < task.groundTruth.length; t++) {
          if (t > 0) await client.callTool({ name: "rods_next_turn", arguments: {} });
          for (const c of task.groundTruth[t]!) await client.callTool({ name: c.name, arguments: c.args });
        }
        await client.callTool({ name: "rods_finish", arguments: {} });
        await client.close();
      }),
    );
    const perSecond = (ms: number) => (calls / ms) * 1000;
    const row = (name: string, ms: number) =>
      `${name.padEnd(8)} ${perSecond(ms).toFixed(0).padStart(8)} calls/s   ${(perSecond(ms) / perSecond(serviceMs)).toFixed(2).padStart(6)} × service   ${(perSecond(ms) / perSecond(envMs)).toFixed(4).padStart(8)} × env`;
    console.log(`${TASKS} tasks, ${calls} tool calls, ${CONCURRENCY} sessions at a time, best of ${ROUNDS} rounds`);
    console.log(row("env", envMs));
    console.log(row("service", serviceMs));
    console.log(row("http", httpMs));
    console.log(row("mcp", mcpMs));
  } finally {
    await api.stop();
    await disconnectDb();
  }
} finally {
  await server.stop();
}
