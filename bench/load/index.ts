// 200 concurrent reads of the heaviest pages over HTTP, against a running RODS (npm start), compared with one plain
// request that does one indexed query (GET /api/health) measured in the same run.
// Run: npx tsx bench/load/index.ts [--url http://127.0.0.1:3000] [--concurrency 200] [--rounds 3]
// Prints errors by status (the goal: 0 errors, and never a 500; overload may answer 503 with Retry-After) and
// latency percentiles as ratios to the baseline.
import { performance } from "node:perf_hooks";
import { parseEnv } from "../../server/env";
import { readRuntimeInfo } from "../../server/platform/runtime-file";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const env = parseEnv();
const url = arg("url") ?? `http://127.0.0.1:${readRuntimeInfo(env.RODS_HOME)?.port ?? env.PORT}`;
const CONCURRENCY = Number(arg("concurrency") ?? 200);
const ROUNDS = Number(arg("rounds") ?? 3);

const trpc = (name: string, input: unknown) => `/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
/** The reads that gave 500s under load before (tasks.list, review.list) and the other heavy list pages. */
const HEAVY = [
  trpc("tasks.list", { filter: {}, page: 1, pageSize: 200 }),
  trpc("tasks.list", { filter: { search: "file" }, page: 2, pageSize: 50 }),
  trpc("tasks.counts", {}),
  trpc("review.list", { limit: 200 }),
  trpc("review.counts", {}),
  trpc("runs.list", { limit: 500 }),
  "/tasks",
  "/runs",
];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

async function timed(path: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url + path);
    await res.arrayBuffer();
    return { ms: performance.now() - t0, status: res.status };
  } catch {
    return { ms: performance.now() - t0, status: 0 };
  }
}

const health = await timed("/api/health");
if (health.status !== 200) {
  console.error(`No RODS answering at ${url} (GET /api/health gave ${health.status}); start one with npm start or pass --url.`);
  process.exit(2);
}

const baseline: number[] = [];
const loaded: number[] = [];
const statuses = new Map<number, number>();
for (let round = 0; round < ROUNDS; round++) {
  // Baseline: sequential single requests on the idle server, before each burst.
  for (let i = 0; i < 20; i++) baseline.push((await timed("/api/health")).ms);
  const results = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => timed(HEAVY[i % HEAVY.length]!)));
  for (const r of results) {
    loaded.push(r.ms);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  }
}
baseline.sort((a, b) => a - b);
loaded.sort((a, b) => a - b);
const base = quantile(baseline, 0.5);
const errors = [...statuses].filter(([s]) => s < 200 || s >= 400).reduce((n, [, c]) => n + c, 0);
console.log(`bench/load: ${ROUNDS} rounds × ${CONCURRENCY} concurrent reads of ${HEAVY.length} heavy pages at ${url}`);
console.log(`  statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s || "network error"}×${c}`).join(", ")}`);
console.log(`  errors: ${errors} (5xx: ${[...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0)}, 500s: ${statuses.get(500) ?? 0})`);
console.log(`  baseline (GET /api/health, one indexed query, sequential): median ${base.toFixed(1)} ms`);
for (const q of [0.5, 0.95, 0.99]) {
  const v = quantile(loaded, q);
  console.log(`  loaded p${Math.round(q * 100)}: ${v.toFixed(0)} ms = ${(v / base).toFixed(1)}× baseline`);
}
process.exit(errors === 0 ? 0 : 1);
