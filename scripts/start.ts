// `npm start`: database (embedded when no DATABASE_URL), migrations, seed import, build if needed, web + worker.
// Ctrl-C stops everything, the embedded Postgres last.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { disconnectDb, getDb } from "../server/db";
import { parseEnv } from "../server/env";
import { JOBS } from "../server/jobs/contract";
import { enqueue, startQueue } from "../server/jobs/queue";
import { provideDatabase } from "../server/platform/database";
import { projectRoot } from "../server/platform/paths";
import { removeRuntimeInfo, writeRuntimeInfo } from "../server/platform/runtime-file";
import { bootstrapAdminIfNone } from "../server/services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, countDatasetTasks, createImportRun } from "../server/services/import-service";

const env = parseEnv();
const log = (message: string) => console.log(`[rods] ${message}`);
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
  const sources = ["app", "components", "server", "next.config.ts", "package-lock.json"].map((p) => path.join(projectRoot, p));
  return sources.some((p) => newestMtime(p) > built);
}

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: projectRoot, stdio: "inherit", env: { ...process.env, ...extraEnv } });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.join(" ")} exited with ${code}`))));
  });
}

function countShippedEntries(): number {
  // 800 today; counted so that a changed data folder is imported again.
  const dir = path.join(SHIPPED_BFCL_DIR, "questions");
  return readdirSync(dir).reduce((n, f) => n + readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => l.trim()).length, 0);
}

const database = await provideDatabase({ databaseUrl: env.DATABASE_URL, home: env.RODS_HOME, log });
process.env.DATABASE_URL = database.url;
if (database.isEmbedded) writeRuntimeInfo(env.RODS_HOME, { databaseUrl: database.url, pid: process.pid, port: env.PORT });

const children: ChildProcess[] = [];
let isStopping = false;
async function stopAll(code: number) {
  if (isStopping) return;
  isStopping = true;
  log("stopping…");
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
  await disconnectDb().catch(() => {});
  await database.stop();
  removeRuntimeInfo(env.RODS_HOME);
  log("stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

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
const web = spawn(bin("next"), ["start", "-p", String(env.PORT)], { cwd: projectRoot, stdio: ["ignore", "inherit", "inherit"], env: childEnv });
const worker = spawn(bin("tsx"), ["server/worker/index.ts"], { cwd: projectRoot, stdio: ["ignore", "inherit", "inherit"], env: childEnv });
children.push(web, worker);
for (const [name, child] of [["web", web], ["worker", worker]] as const) {
  child.on("exit", (code, signal) => {
    if (isStopping) return;
    console.error(`[rods] the ${name} process exited (${signal ?? code}); stopping everything`);
    void stopAll(1);
  });
}

const url = `http://localhost:${env.PORT}`;
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
