// The run monitor's and /compare's response times on a big run, against one plain indexed query on the same database.
// Run: npx tsx bench/dashboard/index.ts [--steps 200] [--tasks 800] [--k 16] [--rounds 40] [--no-rollouts]
//        [--readers 200] [--read-seconds 20] [--step-every 10] [--reader-rounds 5] [--http] [--http-next-start]
//        [--http-port 3190] [--json]
//
// Fills a finished run of steps × tasks × K with SQL (bench/dashboard/fill.ts: rollouts included, compact rows) and
// a small static run (test/fixtures/synthetic-run.ts) into rods_bench_test on DATABASE_URL's server or an embedded
// one under .rods/bench; every step's StepAggregate and the run's RunAggregate are written by the services the driver
// calls when a step closes.
// Measures every service call the monitor page and /compare make, the step plan, review gate, event log, costs and
// trainer series included (median and 95th percentile over repeated calls,
// after a warm-up) and the baseline: one Step looked up by its (runId, index) key. Checks through
// pg_stat_user_tables that the calls never read Rollout, TaskStepStat, SynthesisAttempt or PoolEntry. Ratios are against the
// faster of two baselines measured alongside: one Step by its (runId, index) key through Prisma, and as raw SQL.
// Last, readers against the services with the real pool (one web process's RODS_DB_POOL_SIZE connections; no HTTP):
// `--readers` people with the monitor open for `--read-seconds` (page load, then the live page's polling, a step
// closing every `--step-every` seconds), and a
// burst of `--readers` calls at one instant (`--reader-rounds` times), coalesced and not; p95 against the baseline.
// With --http, the same readers over HTTP against the built web app on the same database, started as `npm start`
// starts it (http-readers.ts): without its read cache, with it (anonymous readers), and with it where every reader
// is signed in with a session of its own (anonymous reading off); --http-next-start first measures bare `next start` too (Next's pipeline for every
// request, as before the plain tRPC path), so both are compared in the same run.
import { performance } from "node:perf_hooks";
import { disconnectDb, getDb, type Db } from "../../server/db";
import { getBufferLifecycle as readBuffer } from "../../server/services/monitor/buffer-lifecycle";
import { compareRuns as readCompare } from "../../server/services/monitor/compare";
import { getHeldOutSeries as readHeldOut } from "../../server/services/monitor/held-out";
import { getInjectionLanding as readLanding } from "../../server/services/monitor/injection-landing";
import { getRunHeader as readHeader } from "../../server/services/monitor/run-header";
import { listRunsOverview as readOverview } from "../../server/services/monitor/runs-overview";
import { getStepDistribution as readDistribution } from "../../server/services/monitor/step-distribution";
import { getRunSeries as readSeries } from "../../server/services/monitor/step-series";
import { getSynthesisOverview as readSynthesis } from "../../server/services/monitor/synthesis-overview";
import {
  compareRuns,
  getBufferLifecycle,
  getHeldOutSeries,
  getInjectionLanding,
  getReviewGate,
  getRunCosts,
  getRunHeader,
  getRunSeries,
  getRunStepPlan,
  getStepDistribution,
  getSynthesisOverview,
  getTrainerMetricsSeries,
  listRunEvents,
  listRunsOverview,
} from "../../server/services/monitor-service";
import { getRunCosts as readCosts } from "../../server/services/cost-service";
import { getReviewGate as readGate } from "../../server/services/review-gate";
import { listRunEvents as readEvents } from "../../server/services/run-events-service";
import { getRunStepPlan as readStepPlan } from "../../server/services/step-plan-service";
import { getTrainerMetricsSeries as readTrainerMetrics } from "../../server/services/trainer-service";
import { fillSyntheticRun } from "../../test/fixtures/synthetic-run";
import { refreshRunAggregate } from "../../server/services/monitor/run-aggregate";
import { fillMissingStepAggregates } from "../../server/services/monitor/step-aggregates";
import { fillRunWithSql } from "./fill";
import { measureHttpReaders, type HttpReaders, type HttpVia } from "./http-readers";
import { quantile, readerFigures, simulateReaders, timedCall, type ReaderFigures } from "./readers";
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
const READ_SECONDS = arg("read-seconds", 20);
const AS_JSON = process.argv.includes("--json");
const IS_HTTP_NEXT_START = process.argv.includes("--http-next-start");
const IS_HTTP = IS_HTTP_NEXT_START || process.argv.includes("--http");
const HTTP_PORT = arg("http-port", 3190);
/** A step closes every STEP_EVERY seconds while the readers watch (a worst case: real steps take minutes). */
const STEP_EVERY = arg("step-every", 10);
/** What a live monitor page polls every 2.5 s, what it fetches again when a step closed, and what every 10 s (with the fast ones). */
const FAST_POLLS = ["runs.get", "runs.stepPlan", "review.gate"];
const STEP_POLLS = ["runs.series", "runs.distribution (newest"];
const SLOW_POLLS = ["runs.buffer", "runs.synthesis", "runs.landing", "runs.heldOut", "runs.events", "runs.costs (one", "runs.trainerMetrics"];
// With --json the human lines go to stderr and one JSON line to stdout (npm run bench collects it).
if (AS_JSON) console.log = (...args: unknown[]) => process.stderr.write(`${args.join(" ")}\n`);

/** The monitor's reads straight from their files, without the coalescing door (for the burst's comparison). */
function uncoalescedCalls(db: Db, runId: string, otherRunId: string, steps: number): (readonly [string, () => Promise<unknown>])[] {
  let stepProbe = 0;
  return [
    ["runs.list", () => readOverview({ db })],
    ["runs.get", () => readHeader({ db, runId })],
    ["runs.series", () => readSeries({ db, runId })],
    ["runs.distribution (newest)", () => readDistribution({ db, runId })],
    ["runs.distribution (slider)", () => readDistribution({ db, runId, stepIndex: (stepProbe += 37) % steps })],
    ["runs.buffer", () => readBuffer({ db, runId })],
    ["runs.synthesis", () => readSynthesis({ db, runId })],
    ["runs.landing", () => readLanding({ db, runId })],
    ["runs.heldOut", () => readHeldOut({ db, runId })],
    ["runs.compare", () => readCompare({ db, runIds: [runId, otherRunId] })],
    ["runs.stepPlan", () => readStepPlan({ db, runId })],
    ["review.gate", () => readGate({ db, runId })],
    ["runs.events", () => readEvents({ db, runId })],
    ["runs.costs", () => readCosts({ db, runIds: [runId] })],
    ["runs.trainerMetrics", () => readTrainerMetrics({ db, runId })],
  ];
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
  // The fixture writes no StepAggregate rows; write them now, as the driver would have when each step closed (else
  // the first /compare read fills them lazily and that one-time fill is counted among the monitor's reads).
  await fillMissingStepAggregates({ db, runId: other.runId });
  await refreshRunAggregate({ db, runId: other.runId });
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
  const BASELINE_RAW = "baseline: the same lookup as raw SQL";
  const calls = [
    [BASELINE, () => db.step.findUnique({ where: { runId_index: { runId, index: probe++ % big.stepsDone } }, select: { id: true, informativeFraction: true } })],
    [BASELINE_RAW, () => db.$queryRaw`SELECT id, "informativeFraction" FROM "Step" WHERE "runId" = ${runId} AND index = ${probe++ % big.stepsDone}`],
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
    ["runs.stepPlan (planned vs done)", () => getRunStepPlan({ db, runId })],
    ["review.gate (held for review?)", () => getReviewGate({ db, runId })],
    ["runs.events (the run's event log)", () => listRunEvents({ db, runId })],
    ["runs.costs (one run: synthesis share)", () => getRunCosts({ db, runIds: [runId] })],
    ["runs.costs (compare: two runs)", () => getRunCosts({ db, runIds: [runId, other.runId] })],
    ["runs.trainerMetrics (trainer's series)", () => getTrainerMetricsSeries({ db, runId })],
  ] as const;
  const PAGE_LOAD = ["runs.get", "runs.series", "runs.distribution (newest", "runs.buffer", "runs.synthesis", "runs.landing", "runs.heldOut", ...FAST_POLLS.slice(1), ...SLOW_POLLS.slice(4)];

  // The tables the monitor's reads must not touch (StepAggregate and RunAggregate hold what they need).
  const WATCHED = ["Rollout", "TaskStepStat", "SynthesisAttempt", "PoolEntry"];
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
  // Ratios against the faster of the two lookups (Prisma's query builder or raw SQL): the stricter reading.
  const base = [results.get(BASELINE)!, results.get(BASELINE_RAW)!].sort((a, b) => a.median - b.median)[0]!;
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${ROUNDS} interleaved rounds after 3 warm-up rounds; times in ms; ratio = median / the faster baseline's median\n`);
  console.log(`${pad("call", 40)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"ratio".padStart(8)}`);
  for (const [name, r] of results) {
    console.log(`${pad(name, 40)} ${r.median.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${(r.median / base.median).toFixed(1).padStart(8)}`);
  }
  const pageLoad = [...results].filter(([name]) => PAGE_LOAD.some((p) => name.startsWith(p))).reduce((n, [, r]) => n + r.median, 0);
  console.log(`\nthe monitor page's first load (${PAGE_LOAD.map((p) => p.replace(/^runs\./, "").replace(/ \(.*$/, "")).join(", ")}; sum of medians): ${pageLoad.toFixed(1)} ms`);

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
  // Readers, against the services with the real pool (RODS_DB_POOL_SIZE connections, as one web process has; no HTTP).
  const figures = (latencies: number[], errors: number, seconds: number) => readerFigures({ readers: READERS, latencies, errors, seconds, baselineMs: base.median });
  const pageCalls = calls.filter(([name]) => PAGE_LOAD.some((p) => name.startsWith(p)));
  let open: ReaderFigures | undefined;
  let burst: ReaderFigures | undefined;
  let burstUncoalesced: ReaderFigures | undefined;
  let http: HttpReaders | undefined;
  let httpNextStart: HttpReaders | undefined;
  let httpNoCache: HttpReaders | undefined;
  let httpSignedIn: HttpReaders | undefined;
  if (READERS > 0) {
    // 1. READERS people with the run's monitor open for READ_SECONDS (bench/dashboard/readers.ts).
    const among = (prefixes: readonly string[]) => pageCalls.filter(([name]) => prefixes.some((p) => name.startsWith(p)));
    open = await simulateReaders({
      readers: READERS,
      seconds: READ_SECONDS,
      load: pageCalls,
      fastPolls: among(FAST_POLLS),
      stepPolls: among(STEP_POLLS),
      stepEverySeconds: STEP_EVERY,
      slowTickPolls: among([...FAST_POLLS, ...SLOW_POLLS]),
      baselineMs: base.median,
    });
    console.log(
      `\n${READERS} readers with the monitor open for ${open.seconds.toFixed(0)} s (page load, then the live page's polling): ${open.calls} calls, ` +
        `median ${open.median.toFixed(1)} ms, p95 ${open.p95.toFixed(1)} ms (${open.p95Ratio.toFixed(1)}× the baseline median), errors ${open.errors}`,
    );
    // 2. A burst: READERS calls sent at the same instant, READER_ROUNDS times (each reader rotates through the
    //    monitor's calls), through the coalescing door and then straight to the reads without it.
    const runBurst = async (list: readonly (readonly [string, () => Promise<unknown>])[]) => {
      const latencies: number[] = [];
      let errors = 0;
      const t0 = performance.now();
      for (let round = 0; round < READER_ROUNDS; round++) {
        const ok = await Promise.all(Array.from({ length: READERS }, (_, reader) => timedCall(list[(reader + round) % list.length]![1], latencies)));
        errors += ok.filter((x) => !x).length;
      }
      return figures(latencies, errors, (performance.now() - t0) / 1000);
    };
    const monitorCalls = calls.filter(([name]) => !name.startsWith("baseline"));
    burst = await runBurst(monitorCalls);
    console.log(
      `${READERS} calls at one instant × ${READER_ROUNDS} rounds (coalesced): median ${burst.median.toFixed(1)} ms, p95 ${burst.p95.toFixed(1)} ms ` +
        `(${burst.p95Ratio.toFixed(1)}× the baseline median), errors ${burst.errors}`,
    );
    burstUncoalesced = await runBurst(uncoalescedCalls(db, runId, other.runId, big.stepsDone));
    console.log(
      `${READERS} calls at one instant × ${READER_ROUNDS} rounds (not coalesced): median ${burstUncoalesced.median.toFixed(1)} ms, p95 ${burstUncoalesced.p95.toFixed(1)} ms ` +
        `(${burstUncoalesced.p95Ratio.toFixed(1)}× the baseline median), errors ${burstUncoalesced.errors}`,
    );
    // 3. The same readers over HTTP against the built web app (--http).
    const overHttp = (via: HttpVia) =>
      measureHttpReaders({ databaseUrl: url, runId, port: HTTP_PORT, via, readers: READERS, seconds: READ_SECONDS, stepEverySeconds: STEP_EVERY, stepsDone: big.stepsDone, baselineMs: base.median, log: (l) => console.log(l) });
    if (IS_HTTP_NEXT_START) httpNextStart = await overHttp("next start");
    if (IS_HTTP) httpNoCache = await overHttp("rods, no read cache");
    if (IS_HTTP) http = await overHttp("rods");
    if (IS_HTTP) httpSignedIn = await overHttp("rods, signed in");
    if (http?.skipped) console.log(`readers over HTTP skipped: ${http.skipped}`);
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
        baselineRawMedianMs: results.get(BASELINE_RAW)!.median,
        baselinePrismaMedianMs: results.get(BASELINE)!.median,
        readers: open,
        burst,
        burstUncoalesced,
        http,
        httpNextStart,
        httpNoCache,
        httpSignedIn,
        tableReads: tableReadCounts,
      })}\n`,
    );
  }
  await disconnectDb();
} finally {
  await server.stop();
}
