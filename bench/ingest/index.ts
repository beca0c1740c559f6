// Storing rollouts with realistic trajectories: our bulk insert (server/services/rollout-store.ts) and Prisma's
// createMany, each against COPY into the same table in the same run.
// Run: npx tsx bench/ingest/index.ts [--groups 48] [--k 16] [--rounds 5] [--json]
//
// Trajectories come from the simulated learner on the shipped BFCL train tasks, scored by the verifier, exactly as a
// rollout job stores them (messages, per-turn results, behaviour). Each method stores the same groups of K rows,
// one statement per group as the rollout job does, under fresh (step) keys; rounds are interleaved so load from
// other processes falls on all methods alike. COPY is text format over the same pg driver (no extra dependency).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { disconnectDb, getDb } from "../../server/db";
import type { Prisma } from "../../server/generated/prisma/client";
import { SimulatedLearner } from "../../server/policies/simulated";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../server/services/import-service";
import { rolloutAndScore } from "../../server/services/rollout-service";
import { insertRollouts } from "../../server/services/rollout-store";
import { rolloutTaskSelect, toRolloutTask } from "../../server/services/task-mapping";
import { createMigratedTestDatabase, provideTestServer } from "../../test/test-database";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const GROUPS = arg("groups", 48);
const K = arg("k", 16);
const ROUNDS = arg("rounds", 5);
const AS_JSON = process.argv.includes("--json");
const log = (line: string) => (AS_JSON ? process.stderr : process.stdout).write(`${line}\n`);

type Row = Prisma.RolloutCreateManyInput;
const COPY_COLUMNS = ["id", "runId", "stepIndex", "taskId", "sample", "policyVersion", "messages", "turnResults", "behaviour", "reward", "success", "tokensIn", "tokensOut", "latencyMs", "infraError"] as const;

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function copyText(rows: Row[]): string {
  const esc = (v: unknown): string => {
    if (v === null || v === undefined) return "\\N";
    const s = typeof v === "object" ? JSON.stringify(v) : typeof v === "boolean" ? (v ? "t" : "f") : String(v);
    return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
  };
  return rows.map((r) => COPY_COLUMNS.map((c) => esc((r as Record<string, unknown>)[c] ?? (c === "policyVersion" ? 0 : undefined))).join("\t")).join("\n") + "\n";
}

// pg has no COPY FROM STDIN helper of its own; a Query that answers the server's CopyInResponse with our data is all
// pg-copy-streams does for a single buffer.
const PgQuery = (pg as unknown as { Query: new (text: string, values: unknown[], callback: (e: Error | null, r: unknown) => void) => object }).Query;
class CopyIn extends PgQuery {
  constructor(
    text: string,
    private readonly data: Buffer,
    callback: (e: Error | null, r: unknown) => void,
  ) {
    super(text, [], callback);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }
}
function copyRows(client: pg.Client, rows: Row[]): Promise<unknown> {
  const sql = `COPY "Rollout" (${COPY_COLUMNS.map((c) => `"${c}"`).join(", ")}) FROM STDIN`;
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(sql, Buffer.from(copyText(rows), "utf8"), (e, r) => (e ? reject(e) : resolve(r))) as unknown as pg.QueryConfig);
  });
}

const server = await provideTestServer(".rods/bench-ingest");
try {
  const url = await createMigratedTestDatabase(server.adminUrl, "rods_bench_ingest_test");
  process.env.DATABASE_URL = url;
  const db = getDb();
  await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  const tasks = (await db.task.findMany({ where: { split: "train" }, select: rolloutTaskSelect, orderBy: { id: "asc" }, take: GROUPS })).map(toRolloutTask);
  const dataset = await db.dataset.findFirstOrThrow({ select: { id: true } });
  const run = await db.run.create({ data: { name: "bench ingest", mode: "static", config: {}, datasetId: dataset.id }, select: { id: true } });
  const learner = SimulatedLearner.create({ seed: 7 });
  const groups: Omit<Row, "stepIndex" | "id">[][] = [];
  for (const task of tasks) {
    const scored = await Promise.all(Array.from({ length: K }, (_, sample) => rolloutAndScore({ policy: learner, task, sample, seed: sample })));
    groups.push(scored.map((s) => ({ runId: run.id, taskId: task.id, sample: s.sample, policyVersion: 1, ...s.data })));
  }
  const rowBytes = groups.flat().reduce((n, r) => n + JSON.stringify(r).length, 0) / (GROUPS * K);
  log(`${GROUPS} groups × K ${K} rollouts of the simulated learner on BFCL train tasks; mean row ${(rowBytes / 1024).toFixed(1)} KiB as JSON; ${ROUNDS} interleaved rounds`);

  const copyClient = new pg.Client({ connectionString: url });
  await copyClient.connect();
  let step = 0;
  const withStep = (g: Omit<Row, "stepIndex" | "id">[], s: number): Row[] => g.map((r) => ({ ...r, stepIndex: s, id: randomUUID() }));
  const methods: [string, (g: Omit<Row, "stepIndex" | "id">[], s: number) => Promise<unknown>][] = [
    ["COPY FROM STDIN (baseline)", (g, s) => copyRows(copyClient, withStep(g, s))],
    ["bulk insert (json_populate_recordset)", (g, s) => insertRollouts({ db, rows: withStep(g, s).map(({ id: _id, ...r }) => r) })],
    ["Prisma createMany (before)", (g, s) => db.rollout.createMany({ data: withStep(g, s), skipDuplicates: true })],
  ];
  const times = new Map<string, number[]>(methods.map(([name]) => [name, []]));
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, fn] of methods) {
      const t0 = performance.now();
      for (const g of groups) await fn(g, step++);
      if (round >= 0) times.get(name)!.push(performance.now() - t0);
    }
  }
  const stored = await db.rollout.count();
  const expected = (ROUNDS + 1) * methods.length * GROUPS * K;
  if (stored !== expected) throw new Error(`expected ${expected} stored rows, found ${stored}`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const copyMs = median(times.get(methods[0]![0])!);
  const rows = methods.map(([name]) => {
    const ms = median(times.get(name)!);
    return { method: name, msPerRound: Number(ms.toFixed(1)), rowsPerSecond: Math.round((GROUPS * K * 1000) / ms), relativeToCopy: Number((copyMs / ms).toFixed(2)) };
  });
  log(`${"method".padEnd(40)} ${"ms/round".padStart(9)} ${"rows/s".padStart(8)} ${"× COPY".padStart(7)}`);
  for (const r of rows) log(`${r.method.padEnd(40)} ${r.msPerRound.toFixed(1).padStart(9)} ${String(r.rowsPerSecond).padStart(8)} ${r.relativeToCopy.toFixed(2).padStart(7)}`);
  if (AS_JSON) process.stdout.write(`${JSON.stringify({ bench: "ingest", groups: GROUPS, k: K, rounds: ROUNDS, rows })}\n`);
  await copyClient.end();
  await disconnectDb();
} finally {
  await server.stop();
}
