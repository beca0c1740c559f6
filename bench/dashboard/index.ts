// The run monitor's and /compare's response times on a big run, against one plain indexed query on the same database.
// Run: npx tsx bench/dashboard/index.ts [--steps 200] [--tasks 800] [--k 16] [--rounds 40] [--no-rollouts]
//        [--readers 200] [--reader-rounds 5] [--json]
//
// Fills a finished run of steps × tasks × K with SQL (bench/dashboard/fill.ts: rollouts included, compact rows) and
// a small static run (test/fixtures/synthetic-run.ts) into rods_bench_test on DATABASE_URL's server or an embedded
// one under .rods/bench; every step's StepAggregate is written by the service the driver calls when a step closes.
// Measures every service call the monitor page and /compare make (median and 95th percentile over repeated calls,
// after a warm-up) and the baseline: one Step looked up by its (runId, index) key. Checks through
// pg_stat_user_tables that the calls never read Rollout, TaskStepStat or SynthesisAttempt. Last, concurrent readers
// against the services with the real pool (one web process's: RODS_DB_POOL_SIZE connections, no HTTP):
// `--readers` at once, each loading the monitor's calls in turn; p95 against the baseline's median, and errors.
import { performance } from "node:perf_hooks";
import { disconnectDb, getDb } from "../../server/db";
import {
  compareRuns,
  getBufferLifecycle,
  getHeldOutSeries,
  getInjectionLanding,
  getRunHeader,
  getRunSeries,
  getStepDistribution,
  getSynthesisOverview,
  listRunsOverview,
} from "../../server/services/monitor-service";
import { fillSyntheticRun } from "../../test/fixtures/synthetic-run";
import { fillRunWithSql } from "./fill";
import { createMigratedTestDatabase, provideTestServer } from "../../test/test-database";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const STEPS = arg("steps", 200);
const TASKS = arg("tasks", 800);
const K = arg("k", 16);
const ROUNDS = arg("rounds", 40);
const WITH_ROLLOUTS = !process.argv.includes("--no-rollouts");
const READERS = arg("readers", 200);
const READER_ROUNDS = arg("reader-rounds", 5);
const AS_JSON = process.argv.includes("--json");
// With --json the human lines go to stderr and one JSON line to stdout (npm run bench collects it).
if (AS_JSON) console.log = (...args: unknown[]) => process.stderr.write(`${args.join(" ")}\n`);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Interleaved rounds (every call once per round, warm-up rounds first), so load from other processes falls on all alike. */
async function measureAll(calls: readonly (readonly [string, () => Promise<unknown>])[]): Promise<Map<string, { median: number; p95: number }>> {
  const times = new Map<string, number[]>(calls.map(([name]) => [name, []]));
  for (let round = -3; round < ROUNDS; round++) {
    for (const [name, fn] of calls) {
      const t0 = performance.now();
      await fn();
      if (round >= 0) times.get(name)!.push(performance.now() - t0);
    }
  }
  return new Map(
    [...times].map(([name, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return [name, { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) }];
    }),
  );
}

const server = await provideTestServer(".rods/bench");
try {
  const url = await createMigratedTestDatabase(server.adminUrl, "rods_bench_test");
  process.env.DATABASE_URL = url;
  const db = getDb();
  console.log(`filling a synthetic run: ${STEPS} steps × ${TASKS} tasks × K=${K}${WITH_ROLLOUTS ? ", rollouts included" : ", no rollouts"}…`);
  const t0 = performance.now();
  const big = await fillRunWithSql({ db, steps: STEPS, tasks: TASKS, k: K, epochs: 8, withRollouts: WITH_ROLLOUTS, log: (m) => console.log(`  ${m}`) });
  const other = await fillSyntheticRun({ db, steps: 40, tasks: 100, k: 8, epochs: 4, mode: "static", name: "bench · static" });
  const fillSeconds = (performance.now() - t0) / 1000;
  await db.$executeRawUnsafe("ANALYZE");
  const counts = await db.$queryRaw<{ stats: number; rollouts: number; steps: number; attempts: number; pool: number }[]>`
    SELECT (SELECT count(*)::int FROM "TaskStepStat") AS stats, (SELECT count(*)::int FROM "Rollout") AS rollouts,
           (SELECT count(*)::int FROM "Step") AS steps, (SELECT count(*)::int FROM "SynthesisAttempt") AS attempts,
           (SELECT count(*)::int FROM "PoolEntry") AS pool`;
  const c = counts[0]!;
  console.log(
    `filled in ${fillSeconds.toFixed(1)} s: ${c.steps} steps, ${c.stats} task-step stats (${TASKS} tasks per step in the big run), ` +
      `${c.rollouts} rollouts, ${c.attempts} synthesis attempts, ${c.pool} pool entries`,
  );

  const runId = big.runId;
  let probe = 0;
  let stepProbe = 0;
  const BASELINE = "baseline: Step by (runId, index)";
  const calls = [
    [BASELINE, () => db.step.findUnique({ where: { runId_index: { runId, index: probe++ % big.stepsDone } }, select: { id: true, informativeFraction: true } })],
    ["runs.list (overview of all runs)", () => listRunsOverview({ db })],
    ["runs.get (header, progress, ETA)", () => getRunHeader({ db, runId })],
    ["runs.series (all steps)", () => getRunSeries({ db, runId })],
    ["runs.distribution (newest step)", () => getStepDistribution({ db, runId })],
    ["runs.distribution (slider: any step)", () => getStepDistribution({ db, runId, stepIndex: (stepProbe += 37) % big.stepsDone })],
    ["runs.buffer (lifecycle per epoch)", () => getBufferLifecycle({ db, runId })],
    ["runs.synthesis (funnel, errors)", () => getSynthesisOverview({ db, runId })],
    ["runs.landing (injected first r̄)", () => getInjectionLanding({ db, runId })],
    ["runs.heldOut (score over training)", () => getHeldOutSeries({ db, runId })],
    ["runs.compare (two runs)", () => compareRuns({ db, runIds: [runId, other.runId] })],
  ] as const;
  const PAGE_LOAD = ["runs.get", "runs.series", "runs.distribution (newest", "runs.buffer", "runs.synthesis", "runs.landing", "runs.heldOut"];

  // The tables a closed step's charts must not read (StepAggregate holds what they need).
  const WATCHED = ["Rollout", "TaskStepStat", "SynthesisAttempt"];
  const tableReads = async () =>
    new Map(
      (
        await db.$queryRaw<{ relname: string; n: number }[]>`
          SELECT relname, (COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0))::int AS n FROM pg_stat_user_tables WHERE relname = ANY(${WATCHED}::text[])`
      ).map((r) => [r.relname, r.n]),
    );
  const rolloutReads = async () => (await tableReads()).get("Rollout") ?? 0;
  // Backends flush their table statistics within ~10 s when idle: let the fill's settle before counting.
  await new Promise((r) => setTimeout(r, 11_000));
  const readsBefore = await tableReads();

  const results = await measureAll(calls);
  const base = results.get(BASELINE)!;
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${ROUNDS} interleaved rounds after 3 warm-up rounds; times in ms; ratio = median / baseline median\n`);
  console.log(`${pad("call", 40)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"ratio".padStart(8)}`);
  for (const [name, r] of results) {
    console.log(`${pad(name, 40)} ${r.median.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${(r.median / base.median).toFixed(1).padStart(8)}`);
  }
  const pageLoad = [...results].filter(([name]) => PAGE_LOAD.some((p) => name.startsWith(p))).reduce((n, [, r]) => n + r.median, 0);
  console.log(`\nthe monitor page's first load (get, series, distribution, buffer, synthesis, landing, heldOut; sum of medians): ${pageLoad.toFixed(1)} ms`);

  // Statistics reach pg_stat_user_tables when backends flush them (idle ones within ~10 s): a control query that
  // does read Rollout shows when they have; the monitor's reads are counted before it.
  await new Promise((r) => setTimeout(r, 11_000));
  const readsAfterMonitor = await tableReads();
  await db.rollout.count({ where: { runId, stepIndex: 0 } });
  let readsAfterControl = readsAfterMonitor.get("Rollout") ?? 0;
  for (let i = 0; i < 30 && readsAfterControl === (readsAfterMonitor.get("Rollout") ?? 0); i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    readsAfterControl = await rolloutReads();
  }
  const tableReadCounts = Object.fromEntries(WATCHED.map((t) => [t, (readsAfterMonitor.get(t) ?? 0) - (readsBefore.get(t) ?? 0)]));
  console.log(
    `table reads (seq + index scans) during the monitor calls: ${WATCHED.map((t) => `${t} ${tableReadCounts[t]}`).join(", ")}` +
      ` (control: one rollout count afterwards adds ${readsAfterControl - (readsAfterMonitor.get("Rollout") ?? 0)} to Rollout)`,
  );
  let readers: { readers: number; calls: number; errors: number; median: number; p95: number } | undefined;
  if (READERS > 0) {
    const latencies: number[] = [];
    let errors = 0;
    const monitorCalls = calls.filter(([name]) => name !== BASELINE);
    await Promise.all(
      Array.from({ length: READERS }, async (_, reader) => {
        for (let round = 0; round < READER_ROUNDS; round++) {
          const [, fn] = monitorCalls[(reader + round) % monitorCalls.length]!;
          const t0 = performance.now();
          try {
            await fn();
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    const sorted = latencies.sort((a, b) => a - b);
    readers = { readers: READERS, calls: READERS * READER_ROUNDS, errors, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
    console.log(
      `\n${READERS} concurrent readers × ${READER_ROUNDS} monitor calls each: median ${readers.median.toFixed(1)} ms, p95 ${readers.p95.toFixed(1)} ms ` +
        `(${(readers.p95 / base.median).toFixed(1)}× the baseline median), errors ${errors}`,
    );
  }
  if (AS_JSON) {
    process.stdout.write(
      `${JSON.stringify({
        bench: "dashboard",
        steps: STEPS,
        tasks: TASKS,
        k: K,
        baselineMedianMs: base.median,
        rows: [...results].map(([name, r]) => ({ call: name, medianMs: r.median, p95Ms: r.p95, ratio: r.median / base.median })),
        readers: readers && { ...readers, p95Ratio: readers.p95 / base.median },
        tableReads: tableReadCounts,
      })}\n`,
    );
  }
  await disconnectDb();
} finally {
  await server.stop();
}
