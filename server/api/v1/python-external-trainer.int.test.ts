// The Python client's external-trainer example as a separate process over HTTP only: it creates a run with
// trainer "external", trains on each published batch and acknowledges it; killed after its first step and started
// again with the same state file, it continues with the oldest unacknowledged batch and trains no step twice.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../../db";
import { startQueue } from "../../jobs/queue";
import { createApiKey, createUser } from "../../services/auth-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { registerHandlers } from "../../worker/handlers";
import { resetData, testDb } from "../../../test/db";
import { expectCompleteGroups, waitForRunStatus } from "../../../test/run-helpers";
import { startApiServer, type ApiServer } from "../../../test/api-server";

const db = testDb();
let server: ApiServer;
let boss: PgBoss;
let key = "";
const example = path.join(process.cwd(), "clients", "python", "examples", "external_trainer.py");

function startPython(args: string[]) {
  const child = spawn("python3", [example, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines: Record<string, any>[] = [];
  let buffer = "";
  const listeners: (() => void)[] = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const p of parts.filter(Boolean)) lines.push(JSON.parse(p) as Record<string, any>);
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = (match: (l: Record<string, any>) => boolean) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found) resolve(found);
      };
      listeners.push(check);
      check();
      void exited.then(() => (check(), reject(new Error(`the trainer exited first: ${JSON.stringify(lines)}`))));
    });
  return { child, lines, waitFor, exited };
}

describe("the Python client's external trainer over HTTP", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const user = await createUser({ db, email: "py@example.org", name: "Py", password: "py's password" });
    key = (await createApiKey({ db, userId: user.id, name: "trainer", scopes: ["trainer", "runs:write"] })).key;
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
    server = await startApiServer({ databaseUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await server?.stop();
    await boss?.stop({ graceful: false, wait: true });
    await disconnectDb();
  });

  it("trains every step once across a kill and a restart", { timeout: 300_000 }, async () => {
    const state = path.join(mkdtempSync(path.join(tmpdir(), "rods-py-")), "state.json");
    const settings = { mode: "static", epochs: 1, k: 4, batchSize: 6, limitSeeds: 18, evalLimit: 6, seed: 4 };
    const first = startPython(["--url", server.url, "--key", key, "--create", JSON.stringify(settings), "--state", state, "--wait", "5"]);
    const runId = (await first.waitFor((l) => "created" in l)).created as string;
    await first.waitFor((l) => l.trained === 0);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = startPython(["--url", server.url, "--key", key, "--run", runId, "--state", state, "--wait", "5"]);
    const done = await second.waitFor((l) => l.done === true);
    expect(await second.exited).toBe(0);
    expect(await waitForRunStatus(db, runId, ["completed", "failed", "paused"], 60_000)).toBe("completed");

    const trained = [...first.lines, ...second.lines].filter((l) => typeof l.trained === "number").map((l) => l.trained as number);
    expect(trained).toEqual([0, 1, 2]);
    expect(done).toMatchObject({ trained: [0, 1, 2], version: 3 });
    const steps = await db.step.findMany({ where: { runId }, select: { ackedPolicyVersion: true, trainerMetrics: true }, orderBy: { index: "asc" } });
    expect(steps.map((s) => s.ackedPolicyVersion)).toEqual([1, 2, 3]);
    for (const s of steps) expect(s.trainerMetrics).toMatchObject({ loss: expect.any(Number), lr: 0.1 });
    await expectCompleteGroups(db, runId, 4);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId }, select: { policyVersion: true } })).policyVersion).toBe(3);

    // The same client exports the run it trained: trajectories (one JSON line a rollout) and per-step metrics.
    const outDir = mkdtempSync(path.join(tmpdir(), "rods-py-export-"));
    const script = [
      "import json, sys",
      `sys.path.insert(0, ${JSON.stringify(path.join(process.cwd(), "clients", "python"))})`,
      "from rods_client import RodsClient, RodsApiError",
      "c = RodsClient(sys.argv[1], sys.argv[2])",
      "n = c.export_run(sys.argv[3], 'trajectories', sys.argv[4] + '/t.jsonl')",
      "m = c.export_run(sys.argv[3], 'metrics-csv', sys.argv[4] + '/m.csv')",
      "try:\n    c.export_run('no-such-run', 'trajectories', sys.argv[4] + '/x')\nexcept RodsApiError as e:\n    print(json.dumps({'status': e.status, 'code': e.code}))",
      "print(json.dumps({'bytes': [n, m]}))",
    ].join("\n");
    const exported = spawnSync("python3", ["-c", script, server.url, key, runId, outDir], { encoding: "utf8" });
    expect(exported.status, exported.stderr).toBe(0);
    const printed = exported.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    expect(printed[0]).toEqual({ status: 404, code: "NOT_FOUND" });
    const trajectoryLines = readFileSync(path.join(outDir, "t.jsonl"), "utf8").trim().split("\n");
    expect(trajectoryLines).toHaveLength(await db.rollout.count({ where: { runId } }));
    expect(JSON.parse(trajectoryLines[0]!)).toMatchObject({ messages: expect.any(Array), reward: expect.any(Number) });
    expect(readFileSync(path.join(outDir, "m.csv"), "utf8").trim().split("\n")).toHaveLength(1 + 3);
  });
});
