// How close rollout orchestration comes to the ideal C / L requests per second, step boundaries and held-out
// evaluation included, with worker processes as they run in production (spawned `server/worker/index.ts`).
// Run: npx tsx bench/orchestration/index.ts [--latency 50] [--seeds 32] [--k 16] [--batch 8] [--epochs 2]
//        [--concurrency 16,64] [--workers 1,3] [--json] [--trace]
//
// A fake OpenAI-compatible server in its own process (fixed-latency-server.ts, lean so it takes little of the cores
// it shares with the worker) answers every chat completion after exactly L ms (no tool call, so each user turn is one
// request) and records when each request arrived and left. Achieved = requests / (end of
// the last − start of the first); ideal = C × workers / L (each worker process keeps C requests in flight). "Idle"
// is the time with no request in flight between the first and the last; the step boundary figures come from the
// database (last rollout of a step stored → step finished → next step rolling).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { disconnectDb, getDb } from "../../server/db";
import { jobSender, startQueue } from "../../server/jobs/queue";
import { projectRoot } from "../../server/platform/paths";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../server/services/import-service";
import { createRun } from "../../server/services/runs-service";
import { createMigratedTestDatabase, provideTestServer } from "../../test/test-database";
import { startFixedLatencyServer } from "./fake-server-process";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const LATENCY = Number(arg("latency", "50"));
const SEEDS = Number(arg("seeds", "32"));
const K = Number(arg("k", "16"));
const BATCH = Number(arg("batch", "8"));
const EPOCHS = Number(arg("epochs", "2"));
const CONCURRENCIES = arg("concurrency", "16,64").split(",").map(Number);
const WORKER_COUNTS = arg("workers", "1,3").split(",").map(Number);
const AS_JSON = process.argv.includes("--json");
const IS_TRACE = process.argv.includes("--trace") || Boolean(process.env.BENCH_TRACE);
const log = (line: string) => (AS_JSON ? process.stderr : process.stdout).write(`${line}\n`);

/**
 * Time with nothing in flight between the first arrival and the last answer (with each gap longer than L: when it
 * started and how long it was), the mean number in flight, and the mean in flight per `bucketMs` (for --trace).
 */
function timeline(spans: [number, number][], bucketMs = 100) {
  const events = spans.flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const]).sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  let inFlight = 0;
  let idle = 0;
  let idleSince = -1;
  const gaps: { at: number; ms: number }[] = [];
  for (const [t, d] of events) {
    if (inFlight === 0 && idleSince >= 0) {
      idle += t - idleSince;
      if (t - idleSince > LATENCY) gaps.push({ at: idleSince, ms: t - idleSince });
    }
    inFlight += d;
    if (inFlight === 0) idleSince = t;
  }
  const start = events[0]![0];
  const end = events.at(-1)![0];
  const busy = spans.reduce((n, [a, b]) => n + (b - a), 0);
  const buckets = new Array<number>(Math.ceil((end - start) / bucketMs) + 1).fill(0);
  for (const [a, b] of spans) {
    for (let x = Math.floor((a - start) / bucketMs); x <= Math.floor((b - start) / bucketMs); x++) {
      const lo = Math.max(a, start + x * bucketMs);
      const hi = Math.min(b, start + (x + 1) * bucketMs);
      if (hi > lo) buckets[x]! += (hi - lo) / bucketMs;
    }
  }
  return { start, end, seconds: (end - start) / 1000, idleSeconds: idle / 1000, gaps, meanInFlight: busy / (end - start), buckets };
}

function startWorker(url: string, id: number): Promise<ChildProcess> {
  // node --import tsx (not the tsx wrapper), so the pid is the worker's own and its CPU time can be read.
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker/index.ts"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url, RODS_WORKER_CONCURRENCY: "2" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker ${id} exited with ${code} before it was ready: ${out}`)));
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]! : NaN);

const server = await provideTestServer(".rods/bench-orchestration");
const fake = await startFixedLatencyServer(LATENCY);
const rows: Record<string, number | string>[] = [];
try {
  const url = await createMigratedTestDatabase(server.adminUrl, "rods_bench_orch_test");
  process.env.DATABASE_URL = url;
  const db = getDb();
  await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  const boss = await startQueue({ url, isWorker: false });
  log(`static runs, ${SEEDS} seeds × K ${K}, batch ${BATCH}, ${EPOCHS} epochs, held-out ${SEEDS} tasks at the start and the end; fake server L = ${LATENCY} ms`);
  for (const workers of WORKER_COUNTS) {
    const children = await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(url, i)));
    try {
      for (const c of CONCURRENCIES) {
        const fakeCpuBefore = (await fake.take()).cpuSeconds;
        const cpuBefore = children.reduce((n, w) => n + cpuSeconds(w.pid), 0);
        const run = await createRun({
          db,
          jobs: jobSender(boss),
          name: `bench C=${c} workers=${workers}`,
          config: {
            mode: "static",
            epochs: EPOCHS,
            k: K,
            batchSize: BATCH,
            limitSeeds: SEEDS,
            evalLimit: SEEDS,
            evalEveryEpochs: EPOCHS,
            policy: { kind: "openai", baseUrl: fake.url, model: "fake", concurrency: c, timeoutMs: 30_000, maxRetries: 2 },
          },
        });
        for (;;) {
          const { status } = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
          if (status === "completed") break;
          if (status !== "running" && status !== "queued") throw new Error(`run ended ${status}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        const taken = await fake.take();
        const spans = taken.spans;
        const fakeCpu = taken.cpuSeconds - fakeCpuBefore;
        const workerCpu = children.reduce((n, w) => n + cpuSeconds(w.pid), 0) - cpuBefore;
        const load = os.loadavg()[0]!;
        const t = timeline(spans);
        const achieved = spans.length / t.seconds;
        const ideal = (c * workers) / (LATENCY / 1000);
        const steps = await db.$queryRaw<{ index: number; stored: Date; finished: Date; next: Date | null }[]>`
          SELECT s.index, (SELECT max(r."createdAt") FROM "Rollout" r WHERE r."runId" = s."runId" AND r."stepIndex" = s.index) AS stored,
                 s."finishedAt" AS finished, n."rollingSince" AS next
          FROM "Step" s LEFT JOIN "Step" n ON n."runId" = s."runId" AND n.index = s.index + 1
          WHERE s."runId" = ${run.id} ORDER BY s.index`;
        // Held-out evaluation phases: when each evaluation job started and finished (the queue records both).
        const evals = await db.$queryRaw<{ step: number; started: Date; completed: Date }[]>`
          SELECT (data->>'stepIndex')::int AS step, started_on AS started, completed_on AS completed FROM pgboss.job
          WHERE name = 'evaluate' AND data->>'runId' = ${run.id} AND state = 'completed' ORDER BY started_on`;
        const at = (d: Date | number) => ((typeof d === "number" ? d : d.getTime()) - t.start) / 1000;
        const evalPhases = evals.map((e) => `eval@${e.step} ${at(e.started).toFixed(2)}–${at(e.completed).toFixed(2)} s`).join(", ");
        if (IS_TRACE) {
          const jobs = await db.$queryRaw<{ step: number; rolling: Date; queued: Date; started: Date }[]>`
            SELECT (j.data->>'stepIndex')::int AS step, min(s."rollingSince") AS rolling, min(j.created_on) AS queued, min(j.started_on) AS started
            FROM pgboss.job j JOIN "Step" s ON s."runId" = j.data->>'runId' AND s.index = (j.data->>'stepIndex')::int
            WHERE j.name = 'rollout-group' AND j.data->>'runId' = ${run.id} GROUP BY 1 ORDER BY 1`;
          log(`  steps (s from the first request): ${steps.map((st) => `s${st.index} stored ${at(st.stored).toFixed(2)} finished ${at(st.finished).toFixed(2)}`).join(" | ")}`);
          log(`  steps rolling → first group queued → first group started: ${jobs.map((j) => `s${j.step} ${at(j.rolling).toFixed(2)} ${at(j.queued).toFixed(2)} ${at(j.started).toFixed(2)}`).join(" | ")}`);
          log(`  ${evalPhases}`);
          log(`  gaps with nothing in flight: ${t.gaps.map((g) => `${at(g.at).toFixed(2)} s +${g.ms.toFixed(0)} ms`).join(", ") || "none"}`);
          log(`  mean in flight per 100 ms: ${t.buckets.map((x) => x.toFixed(0)).join(" ")}`);
        }
        const stored = await db.rollout.groupBy({ by: ["infraError"], where: { runId: run.id }, _count: { _all: true } });
        const infra = stored.filter((g) => g.infraError !== null);
        const rolledOut = stored.reduce((n, g) => n + g._count._all, 0);
        if (rolledOut !== SEEDS * EPOCHS * K) log(`  WARNING: ${rolledOut} rollouts stored, ${SEEDS * EPOCHS * K} expected (${SEEDS} seeds × ${EPOCHS} epochs × K ${K}): the run did not do what it was asked`);
        if (infra.length) log(`  infrastructure failures: ${infra.map((g) => `${g._count._all} × ${g.infraError}`).join("; ")}`);
        const storedToFinished = median(steps.map((s) => s.finished.getTime() - s.stored.getTime()));
        const finishedToNext = median(steps.filter((s) => s.next).map((s) => s.next!.getTime() - s.finished.getTime()));
        const row = {
          workers,
          concurrency: c,
          requests: spans.length,
          rollouts: rolledOut,
          infraFailures: infra.reduce((n, g) => n + g._count._all, 0),
          seconds: Number(t.seconds.toFixed(2)),
          achievedPerSecond: Number(achieved.toFixed(1)),
          idealPerSecond: Number(ideal.toFixed(1)),
          achievedOverIdeal: Number((achieved / ideal).toFixed(3)),
          meanInFlight: Number(t.meanInFlight.toFixed(1)),
          idleSeconds: Number(t.idleSeconds.toFixed(2)),
          idleGaps: t.gaps.length,
          workerCpuMsPerRequest: Number(((1000 * workerCpu) / spans.length).toFixed(2)),
          workerCpuShare: Number((workerCpu / t.seconds / workers).toFixed(2)),
          fakeServerCpuMsPerRequest: Number(((1000 * fakeCpu) / spans.length).toFixed(2)),
          loadAverage: Number(load.toFixed(1)),
          medianStoredToStepFinishedMs: storedToFinished,
          medianStepFinishedToNextRollingMs: finishedToNext,
        };
        rows.push(row);
        log(
          `workers ${workers} · C ${c}: ${spans.length} requests in ${t.seconds.toFixed(2)} s = ${achieved.toFixed(0)}/s of ideal ${ideal.toFixed(0)}/s → ${(100 * row.achievedOverIdeal).toFixed(1)} %; ` +
            `in flight ${t.meanInFlight.toFixed(1)}; worker CPU ${row.workerCpuMsPerRequest} ms/request (${(100 * row.workerCpuShare).toFixed(0)} % of a core each), fake server ${row.fakeServerCpuMsPerRequest} ms/request; ` +
            `nothing in flight ${t.idleSeconds.toFixed(2)} s over ${t.gaps.length} gaps; step boundary: stored→finished ${storedToFinished} ms, finished→next rolling ${finishedToNext} ms; ${evalPhases}; load average ${load.toFixed(1)}`,
        );
      }
    } finally {
      await Promise.all(children.map(stopWorker));
    }
  }
  for (const c of CONCURRENCIES) {
    const one = rows.find((r) => r.workers === 1 && r.concurrency === c);
    const three = rows.find((r) => r.workers === 3 && r.concurrency === c);
    if (one && three) log(`C ${c}: three worker processes reach ${(Number(three.achievedPerSecond) / Number(one.achievedPerSecond)).toFixed(2)}× the requests per second of one`);
  }
  if (AS_JSON) process.stdout.write(`${JSON.stringify({ bench: "orchestration", latencyMs: LATENCY, rows })}\n`);
  await boss.stop({ graceful: false, wait: true });
  await disconnectDb();
} finally {
  await fake.close();
  await server.stop();
}
