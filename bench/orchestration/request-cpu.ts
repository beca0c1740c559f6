// CPU per policy request on the rollout path, without a database: the OpenAI-compatible policy rolling out BFCL
// tasks against the fixed-latency server (its own process), against a baseline measured in the same run: the same
// request bodies posted over plain keep-alive node:http with nothing else done. CPU time, not wall-clock, so a loaded
// machine shifts it less.
// Run: npx tsx bench/orchestration/request-cpu.ts [--latency 5] [--concurrency 16] [--tasks 64] [--k 4] [--json]
import http from "node:http";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { toolsForTurn } from "../../server/envs/bfcl/bfcl-env";
import { OpenAIPolicy, DEFAULT_SYSTEM_PROMPT } from "../../server/policies/openai/agent";
import { bfclTasks } from "../../server/policies/simulated/bfcl-tasks";
import { ZOpenAIPolicy } from "../../server/rods/config";
import { startFixedLatencyServer } from "./fake-server-process";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const LATENCY = Number(arg("latency", "5"));
const C = Number(arg("concurrency", "16"));
const TASKS = Number(arg("tasks", "64"));
const K = Number(arg("k", "4"));
const AS_JSON = process.argv.includes("--json");

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const server = await startFixedLatencyServer(LATENCY);
try {
  const tasks = bfclTasks("train").slice(0, TASKS);
  const policy = new OpenAIPolicy(ZOpenAIPolicy.parse({ kind: "openai", baseUrl: server.url, model: "fake", concurrency: C, timeoutMs: 30_000, maxRetries: 2 }));
  const work = tasks.flatMap((task) => Array.from({ length: K }, (_, sample) => ({ task, sample })));
  // Warm up (JIT, sockets), then measure.
  await Promise.all(work.slice(0, 2 * C).map(({ task, sample }) => policy.rollout(task, { sample, seed: sample })));
  await server.take();

  const serverBefore = (await server.take()).cpuSeconds;
  let cpu0 = cpuMs();
  let t0 = performance.now();
  await Promise.all(work.map(({ task, sample }) => policy.rollout(task, { sample, seed: sample })));
  const policyCpu = cpuMs() - cpu0;
  const policyWall = performance.now() - t0;
  const policyTake = await server.take();
  const requests = policyTake.spans.length;
  const serverCpuPerRequest = (1000 * (policyTake.cpuSeconds - serverBefore)) / requests;

  // Baseline: the bodies the policy sends (system prompt, the user turns so far with "Done." answers, the turn's
  // tools), posted as they are with C in flight over keep-alive node:http; the reply is read and parsed, nothing more.
  const bodies = work.flatMap(({ task }) =>
    task.turns.map((_, t) =>
      JSON.stringify({
        model: "fake",
        messages: [
          { role: "system", content: DEFAULT_SYSTEM_PROMPT },
          ...task.turns.slice(0, t + 1).flatMap((turn, i) => [...turn.map((m) => ({ role: "user", content: m.content })), ...(i < t ? [{ role: "assistant", content: "Done." }] : [])]),
        ],
        tools: toolsForTurn({ involvedClasses: task.involvedClasses, missedFunction: task.missedFunctions }, t),
        temperature: 0.7,
        stream: false,
      }),
    ),
  );
  const agent = new http.Agent({ keepAlive: true });
  const { port } = new URL(server.url);
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/v1/chat/completions", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => (JSON.parse(Buffer.concat(chunks).toString("utf8")), resolve()));
      });
      req.on("error", reject);
      req.end(body);
    });
  let next = 0;
  cpu0 = cpuMs();
  t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < bodies.length) await post(bodies[next++]!);
  }));
  const plainCpu = cpuMs() - cpu0;
  const plainWall = performance.now() - t0;
  const plainRequests = (await server.take()).spans.length;
  agent.destroy();

  const meanBytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length;
  const row = {
    requests,
    meanRequestKiB: Number((meanBytes / 1024).toFixed(1)),
    policyCpuMsPerRequest: Number((policyCpu / requests).toFixed(3)),
    plainHttpCpuMsPerRequest: Number((plainCpu / plainRequests).toFixed(3)),
    policyOverPlain: Number((policyCpu / requests / (plainCpu / plainRequests)).toFixed(2)),
    fakeServerCpuMsPerRequest: Number(serverCpuPerRequest.toFixed(3)),
    policyRequestsPerSecond: Math.round((1000 * requests) / policyWall),
    plainRequestsPerSecond: Math.round((1000 * plainRequests) / plainWall),
    loadAverage: os.loadavg()[0]!.toFixed(1),
  };
  if (AS_JSON) console.log(JSON.stringify({ bench: "request-cpu", rows: [row] }));
  else
    console.log(
      `${requests} policy requests (mean body ${row.meanRequestKiB} KiB), C ${C}, L ${LATENCY} ms: policy path ${row.policyCpuMsPerRequest} ms CPU/request, ` +
        `plain keep-alive node:http ${row.plainHttpCpuMsPerRequest} ms → ${row.policyOverPlain}×; fake server ${row.fakeServerCpuMsPerRequest} ms/request; load average ${row.loadAverage}`,
    );
} finally {
  await server.close();
}
