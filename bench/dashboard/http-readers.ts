// The readers over HTTP: the built web app started as the product starts it (scripts/web.ts: RODS's node:http server
// with its plain tRPC path in front of Next, production, the existing .next build, its read cache at 1 s) on the
// bench's database, anonymous or each reader signed in with a session of its own (anonymous reading off), or, to
// compare, the same without its read cache (RODS_READ_CACHE_MS=0: every request computed) or bare `next start`
// (every request through Next's pipeline, as before); people with the monitor open send
// the page's tRPC GETs as the browser does (httpBatchLink: the calls of one tick in one request; anonymous reading on
// loopback). First each request alone on the idle server (sequential medians), then the readers.
import { spawn } from "node:child_process";
import http from "node:http";
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { SESSION_COOKIE } from "../../server/api/auth-http";
import { getDb } from "../../server/db";
import { projectRoot } from "../../server/platform/paths";
import { createUser, signIn } from "../../server/services/auth-service";
import { byCallLine, quantile, simulateReaders, timedCall, type Call, type ReaderFigures } from "./readers";

export interface HttpReaders {
  /** why the phase did not run (no build) */
  skipped?: string;
  /** each call alone on the idle server, median ms */
  idleMedianMs?: Record<string, number>;
  /** one indexed lookup answered by a bare node:http process (lookup-server.ts), median ms: the floor */
  floorMedianMs?: number;
  /** the same lookup while the readers run (median and p95 ms): what the box and the client add under load */
  floorUnderLoadMs?: { median: number; p95: number };
  readers?: ReaderFigures;
  /** HTTP statuses other than 200 during the readers, by status (0 = network error) */
  failures?: Record<string, number>;
}

export type HttpVia = "rods" | "rods, signed in" | "rods, no read cache" | "next start";

/** Readers signed in where anonymous reading is off (a shared server): one session each. */
const SIGNED_IN_PASSWORD = "bench reader password";

export async function measureHttpReaders({
  databaseUrl,
  runId,
  port,
  via,
  readers,
  seconds,
  stepEverySeconds,
  stepsDone,
  baselineMs,
  log,
}: {
  databaseUrl: string;
  runId: string;
  port: number;
  /**
   * "rods": the product's web entry (scripts/web.ts) as `npm start` runs it (read cache 1 s), anonymous readers
   * (loopback); "rods, signed in": the same with anonymous reading off, each reader with a session of its own;
   * "rods, no read cache": RODS_READ_CACHE_MS=0; "next start": Next's own server, every request through its pipeline
   */
  via: HttpVia;
  readers: number;
  seconds: number;
  stepEverySeconds: number;
  /** steps of the run (the floor's lookups rotate over them) */
  stepsDone: number;
  /** the indexed lookup's median (ms) the ratios are taken against */
  baselineMs: number;
  log: (line: string) => void;
}): Promise<HttpReaders> {
  if (!existsSync(path.join(projectRoot, ".next", "BUILD_ID"))) return { skipped: "no build of the web app (.next): run `npm run build` first" };
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), RODS_HOME: ".rods/bench-web", NEXT_TELEMETRY_DISABLED: "1" };
  env.RODS_READ_CACHE_MS = via === "rods, no read cache" ? "0" : "1000";
  env.RODS_ANONYMOUS_READ = via === "rods, signed in" ? "false" : "true";
  // Sessions through the sign-in service (as the sign-in route makes them), used in turn by the requests.
  const cookies = via === "rods, signed in" ? await signInReaders({ databaseUrl, readers }) : [];
  let cookieTurn = 0;
  const headers = (): Record<string, string> => (cookies.length ? { cookie: cookies[cookieTurn++ % cookies.length]! } : {});
  // BENCH_WEB_CPU_PROF=<dir>: the web process writes a V8 CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_WEB_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WEB_CPU_PROF}`] : [];
  const web =
    via !== "next start"
      ? spawn(process.execPath, [...profile, "--import", "tsx", "scripts/web.ts"], { cwd: projectRoot, stdio: ["ignore", "ignore", "inherit"], env })
      : spawn(path.join(projectRoot, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: projectRoot, stdio: ["ignore", "ignore", "inherit"], env });
  const exited = new Promise<void>((resolve) => web.once("exit", () => resolve()));
  const floor = spawn(process.execPath, ["--import", "tsx", "bench/dashboard/lookup-server.ts"], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, LOOKUP_RUN_ID: runId, LOOKUP_STEPS: String(stepsDone) },
  });
  const floorExited = new Promise<void>((resolve) => floor.once("exit", () => resolve()));
  try {
    const floorPort = await new Promise<string>((resolve, reject) => {
      floor.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      floor.once("exit", (code) => reject(new Error(`the lookup server exited (${code})`)));
    });
    for (let waited = 0; ; waited += 250) {
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (web.exitCode !== null || waited > 60_000) throw new Error(`the web app did not answer on ${base} (exit code ${web.exitCode})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const failures = new Map<number, number>();
    // As the page's tRPC client (httpBatchLink) sends them: the calls made in one tick go as one GET.
    const inputOf = (name: string) => (name === "review.gate" ? { runId } : name === "runs.costs" ? { ids: [runId] } : { id: runId });
    const batch = (label: string, names: readonly string[]): Call => [
      label,
      async () => {
        const input = Object.fromEntries(names.map((name, i) => [String(i), { json: inputOf(name) }]));
        const status = await getAnswer(`${base}/api/trpc/${names.join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, { "accept-encoding": "gzip", ...headers() });
        if (status !== 200) {
          failures.set(status, (failures.get(status) ?? 0) + 1);
          throw new Error(`HTTP ${status || "network error"}`);
        }
      },
    ];
    // The page's clock (app/runs/[id]/run-monitor.tsx): header, step plan and review gate every 2.5 s, the other
    // charts with them every fourth tick (one request), the series and the newest step's distribution after a poll
    // that shows a step closed (one request each).
    const fast = ["runs.get", "runs.stepPlan", "review.gate"];
    const onStep = ["runs.series", "runs.distribution"];
    const slow = ["runs.heldOut", "runs.events", "runs.buffer", "runs.synthesis", "runs.landing", "runs.costs"];
    const page = batch(`page load (${fast.length + onStep.length + slow.length} calls)`, [...fast, ...onStep, ...slow]);
    const fastPoll = batch(`fast poll (${fast.length} calls)`, fast);
    const slowPoll = batch(`fast and slow poll (${fast.length + slow.length} calls)`, [...fast, ...slow]);
    const single = [...fast, ...onStep, ...slow].map((name) => batch(name, [name]));
    const FLOOR = "one indexed lookup over bare node:http";
    const lookup: Call = [
      FLOOR,
      async () => {
        const status = await getAnswer(`http://127.0.0.1:${floorPort}/`, { "accept-encoding": "gzip" });
        if (status !== 200) throw new Error(`lookup server: HTTP ${status}`);
      },
    ];
    // Each request alone on the idle server, interleaved with the floor: 3 warm-up rounds, then 20.
    const alone = [...single, page, fastPoll, slowPoll, lookup];
    const idle = new Map<string, number[]>(alone.map(([n]) => [n, []]));
    for (let round = -3; round < 20; round++) {
      for (const [name, fn] of alone) {
        const t0 = performance.now();
        await fn();
        if (round >= 0) idle.get(name)!.push(performance.now() - t0);
      }
    }
    const idleMedianMs = Object.fromEntries([...idle].filter(([n]) => n !== FLOOR).map(([n, l]) => [n, quantile([...l].sort((a, b) => a - b), 0.5)]));
    const floorMedianMs = quantile([...idle.get(FLOOR)!].sort((a, b) => a - b), 0.5);
    log(`over HTTP (${via}), each request alone (median ms): ${Object.entries(idleMedianMs).map(([n, ms]) => `${n} ${ms.toFixed(1)} (${(ms / floorMedianMs).toFixed(1)}×)`).join(", ")}; ${FLOOR} (the floor, × above) ${floorMedianMs.toFixed(2)}`);
    failures.clear();
    // The floor under the same load: the bare lookup server asked every 100 ms from this process while the readers
    // run (what the box and this client add to any request, whatever the web process does).
    const floorUnderLoad: number[] = [];
    let isReading = true;
    const probe = (async () => {
      while (isReading) {
        await timedCall(lookup[1], floorUnderLoad);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const figures = await simulateReaders({ readers, seconds, load: [page], fastPolls: [fastPoll], stepPolls: single.filter(([name]) => onStep.includes(name)), stepEverySeconds, slowTickPolls: [slowPoll], baselineMs });
    isReading = false;
    await probe;
    const floorSorted = floorUnderLoad.sort((a, b) => a - b);
    const floorUnderLoadMs = { median: quantile(floorSorted, 0.5), p95: quantile(floorSorted, 0.95) };
    log(
      `${readers} readers over HTTP (${via}) for ${figures.seconds.toFixed(0)} s (batched as the page sends them): ${figures.calls} requests, median ${figures.median.toFixed(1)} ms, ` +
        `p95 ${figures.p95.toFixed(1)} ms (${figures.p95Ratio.toFixed(1)}× the lookup's median), errors ${figures.errors}` +
        (failures.size ? ` (${[...failures].map(([s, n]) => `${s || "network error"}×${n}`).join(", ")})` : ""),
    );
    log(`  by request (ms): ${byCallLine(figures)}; ${FLOOR} meanwhile, every 100 ms: median ${floorUnderLoadMs.median.toFixed(1)} p95 ${floorUnderLoadMs.p95.toFixed(1)}`);
    return { idleMedianMs, floorMedianMs, floorUnderLoadMs, readers: figures, failures: Object.fromEntries([...failures].map(([s, n]) => [String(s), n])) };
  } finally {
    web.kill("SIGTERM");
    floor.kill("SIGTERM");
    await Promise.all([exited, floorExited]);
  }
}

/**
 * The readers' HTTP client: node:http over kept-alive connections, as light as a client can be, so that one process
 * simulating 200 browsers measures the server rather than itself. A request's time runs to the answer's last byte;
 * the body is not inflated (gzip is asked for, as browsers do; each browser inflates on its own CPU, here one process
 * would do it for all). The status, or 0 on a network error.
 */
const readerAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
function getAnswer(url: string, headers: Record<string, string>, isRetry = false): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: readerAgent, headers }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    // A kept-alive connection the server closed as it was reused: sent again once, as browsers do (Node's docs).
    req.on("error", (error: NodeJS.ErrnoException) => resolve(req.reusedSocket && error.code === "ECONNRESET" && !isRetry ? getAnswer(url, headers, true) : 0));
  });
}

/** `readers` sessions of one bench user (created once per database), as `rods_session=…` cookies. */
async function signInReaders({ databaseUrl, readers }: { databaseUrl: string; readers: number }): Promise<string[]> {
  process.env.DATABASE_URL ??= databaseUrl;
  const db = getDb();
  const email = "bench-reader@example.org";
  if (!(await db.user.findUnique({ where: { email }, select: { id: true } }))) await createUser({ db, email, name: "Bench reader", password: SIGNED_IN_PASSWORD, role: "viewer" });
  const cookies: string[] = [];
  // One after the other: the sign-in service refuses a crowd of concurrent sign-ins (503), as it should.
  for (let i = 0; i < readers; i++) cookies.push(`${SESSION_COOKIE}=${(await signIn({ db, email, password: SIGNED_IN_PASSWORD })).token}`);
  return cookies;
}
