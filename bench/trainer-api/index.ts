// Serving a trainer's batch (GET /runs/{id}/batches/next's service: trajectories, rewards, group-normalised
// advantages, tools, serialised to JSON) for a step of 100 tasks × 16 rollouts with realistic trajectories (the
// simulated learner's own, through real BFCL environments), against reading the same rows with one plain SQL query
// (pg, no ORM) and serialising them, on the same database in the same run. Prints the ratio baseline / serve
// (aim ≥ 0.5). Run: npx tsx bench/trainer-api/index.ts [--tasks 100] [--k 16] [--rounds 15] [--json]
import { performance } from "node:perf_hooks";
import pg from "pg";
import { disconnectDb, getDb } from "../../server/db";
import { SimulatedLearner } from "../../server/policies/simulated";
import { ZRunConfig } from "../../server/rods/config";
import { hashSeed } from "../../server/rods/random";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../server/services/import-service";
import { rolloutTaskSelect, toRolloutTask } from "../../server/services/task-mapping";
import { batchOfStep } from "../../server/services/trainer-service";
import { createMigratedTestDatabase, provideTestServer } from "../../test/test-database";

const arg = (name: string, fallback: number) => (process.argv.indexOf(`--${name}`) > 0 ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const TASKS = arg("tasks", 100);
const K = arg("k", 16);
const ROUNDS = arg("rounds", 15);
const AS_JSON = process.argv.includes("--json");
const log = (...a: unknown[]) => (AS_JSON ? process.stderr.write(`${a.join(" ")}\n`) : console.log(...a));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const server = await provideTestServer(".rods/bench");
  const url = await createMigratedTestDatabase(server.adminUrl, "rods_bench_trainer_test");
  process.env.DATABASE_URL = url;
  const db = getDb();
  try {
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const dataset = await db.dataset.findUniqueOrThrow({ where: { name: BFCL_DATASET }, select: { id: true } });
    const rows = await db.task.findMany({ where: { datasetId: dataset.id, split: "train" }, select: rolloutTaskSelect, orderBy: { id: "asc" }, take: TASKS });
    const config = ZRunConfig.parse({ mode: "static", trainer: "external", k: K, batchSize: TASKS });
    const run = await db.run.create({ data: { name: "bench", mode: "static", config: config as never, datasetId: dataset.id }, select: { id: true } });
    await db.step.create({ data: { runId: run.id, index: 0, epoch: 0, taskIds: rows.map((r) => r.id), status: "done", publishedAt: new Date() } });
    const learner = SimulatedLearner.create({ seed: 1 });
    let bytes = 0;
    for (const row of rows) {
      const task = toRolloutTask(row);
      const data = Array.from({ length: K }, (_, sample) => {
        const r = learner.rolloutSync(task, { sample, seed: hashSeed(1, "rollout", 0, task.id, sample) });
        bytes += JSON.stringify(r.messages).length;
        return { runId: run.id, stepIndex: 0, taskId: task.id, sample, messages: r.messages as never, reward: Math.random(), success: false, tokensIn: r.tokensIn, tokensOut: r.tokensOut };
      });
      await db.rollout.createMany({ data });
    }
    log(`batch: ${TASKS} tasks × ${K} rollouts, ${(bytes / 1024 / 1024).toFixed(1)} MB of trajectories`);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const baseline = async () =>
      JSON.stringify(
        (await client.query(`SELECT "taskId", sample, "policyVersion", messages, reward, success, "infraError" FROM "Rollout" WHERE "runId" = $1 AND "stepIndex" = 0 ORDER BY "taskId", sample`, [run.id])).rows,
      ).length;
    const serve = async () => JSON.stringify(await batchOfStep({ db, runId: run.id, stepIndex: 0, config })).length;
    const times = { baseline: [] as number[], serve: [] as number[] };
    for (let round = -2; round < ROUNDS; round++) {
      for (const [name, fn] of [["baseline", baseline], ["serve", serve]] as const) {
        const t0 = performance.now();
        await fn();
        if (round >= 0) times[name].push(performance.now() - t0);
      }
    }
    await client.end();
    const result = { baselineMs: median(times.baseline), serveMs: median(times.serve), ratio: median(times.baseline) / median(times.serve) };
    log(`plain SQL read + JSON: ${result.baselineMs.toFixed(1)} ms; batch served: ${result.serveMs.toFixed(1)} ms; ratio ${result.ratio.toFixed(2)} (aim ≥ 0.5)`);
    if (AS_JSON) console.log(JSON.stringify({ bench: "trainer-api", tasks: TASKS, k: K, ...result }));
  } finally {
    await disconnectDb();
    await server.stop();
  }
}

void main();
