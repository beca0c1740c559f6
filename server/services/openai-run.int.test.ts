// A short run with the OpenAI-compatible policy against a scripted model on 127.0.0.1 that replays the ground
// truth but also fails the way real servers do: 429 with Retry-After, 500, timeouts, malformed tool calls.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "../db";
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import { jobSender, startQueue } from "../jobs/queue";
import { registerHandlers } from "../worker/handlers";
import { resetData, testDb } from "../../test/db";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI, type FakeStep } from "../../test/fake-openai-server";
import { expectCompleteGroups, waitForRunStatus } from "../../test/run-helpers";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { createRun } from "./runs-service";

const db = testDb();
let boss: PgBoss;
let fake: FakeOpenAI;
/** user message text -> the ground-truth calls of that turn */
const groundTruthByMessage = new Map<string, GroundTruthCall[]>();
/** a user message whose requests always fail: its task's rollouts become infrastructure failures */
let doomedMessage = "";

function reply(request: FakeChatRequest, index: number): FakeStep {
  const last = request.messages.at(-1)!;
  if (last.role === "user" && last.content === doomedMessage) return { status: 500, message: "upstream exploded" };
  if (index % 23 === 5) return { status: 429, retryAfterSeconds: 0, message: "slow down" };
  if (index % 29 === 7) return { status: 503, message: "overloaded" };
  if (index % 31 === 11) return { hangMs: 2_500 }; // longer than the policy's 1 s timeout
  if (last.role === "user") {
    const calls = groundTruthByMessage.get(last.content ?? "");
    if (!calls || calls.length === 0) return { content: "Could you tell me the missing detail?" };
    // Now and then a broken call first: arguments that are not JSON, and a function that does not exist.
    const broken = index % 4 === 0 ? [{ name: calls[0]!.name, arguments: "{not json" }, { name: "no_such_tool", arguments: "{}" }] : [];
    return { toolCalls: [...broken, ...calls.map((c) => ({ name: c.name, arguments: JSON.stringify(c.args) }))] };
  }
  return { content: "Done." };
}

describe("an openai-policy run against a scripted model", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    const tasks = await db.task.findMany({ where: { split: "train" }, select: { turns: true, groundTruth: true, category: true, scenarioIndex: true }, orderBy: [{ category: "asc" }, { scenarioIndex: "asc" }] });
    for (const t of tasks) {
      const turns = t.turns as { content: string }[][];
      const gt = t.groundTruth as unknown as GroundTruthCall[][];
      turns.forEach((messages, i) => messages.forEach((m) => groundTruthByMessage.set(m.content, gt[i] ?? [])));
    }
    const base = tasks.find((t) => t.category === "base")!;
    doomedMessage = (base.turns as { content: string }[][])[0]![0]!.content;
    fake = await startFakeOpenAI({ script: reply });
    boss = await startQueue({ url: inject("databaseUrl"), isWorker: true });
    await registerHandlers(boss, { concurrency: 2 });
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await fake.close();
    await disconnectDb();
  });

  it("completes, shows error results in trajectories, and stores infrastructure failures apart from rewards", async () => {
    const run = await createRun({
      db,
      jobs: jobSender(boss),
      config: {
        mode: "static",
        epochs: 1,
        k: 2,
        batchSize: 8,
        limitSeeds: 8,
        evalLimit: 4,
        policy: { kind: "openai", baseUrl: fake.url, model: "fake-model", timeoutMs: 1_000, maxRetries: 3, concurrency: 4, temperature: 0.7 },
      },
    });
    expect(await waitForRunStatus(db, run.id, ["completed", "failed", "paused"], 240_000)).toBe("completed");
    await expectCompleteGroups(db, run.id, 2);

    const rollouts = await db.rollout.findMany({ where: { runId: run.id }, select: { taskId: true, reward: true, infraError: true, messages: true, tokensIn: true } });
    const failed = rollouts.filter((r) => r.infraError !== null);
    // Every sample of every task that opens with the doomed message (categories share scenarios), and no other.
    const pool = await db.poolEntry.findMany({ where: { runId: run.id }, select: { task: { select: { id: true, turns: true } } } });
    const doomed = pool.filter((p) => (p.task.turns as { content: string }[][])[0]?.[0]?.content === doomedMessage).map((p) => p.task.id);
    expect(doomed.length).toBeGreaterThan(0);
    expect(failed.map((r) => r.infraError)).toHaveLength(doomed.length * 2);
    expect(new Set(failed.map((r) => r.taskId))).toEqual(new Set(doomed));
    for (const r of failed) {
      expect(r.infraError).toMatch(/server_error.*upstream exploded/);
      expect(r.reward).toBeNull();
    }
    const stat = await db.taskStepStat.findFirst({ where: { runId: run.id, taskId: failed[0]!.taskId } });
    expect(stat).toBeNull(); // no rewards at all: excluded, not counted as 0
    const step = await db.step.findFirstOrThrow({ where: { runId: run.id } });
    expect(step.infraFailures).toBe(failed.length);
    expect(await db.taskStepStat.count({ where: { runId: run.id } })).toBe(8 - doomed.length);

    const scored = rollouts.filter((r) => r.infraError === null);
    expect(scored.some((r) => r.reward === 1)).toBe(true);
    expect(scored.every((r) => r.tokensIn > 0)).toBe(true);
    const toolOutputs = scored.flatMap((r) => (r.messages as { role: string; content?: string }[]).filter((m) => m.role === "tool").map((m) => m.content ?? ""));
    expect(toolOutputs.some((c) => c.includes("no_such_tool"))).toBe(true);
    expect(toolOutputs.some((c) => /not valid JSON|JSON/i.test(c) && c.startsWith("Error"))).toBe(true);
    // The scripted failures really happened and were retried through.
    expect(fake.requests.length).toBeGreaterThan(rollouts.length);

    // Held-out evaluation is scored as BFCL does: temperature 0 and no system prompt (training keeps its settings).
    const testTasks = await db.task.findMany({ where: { split: "test" }, select: { turns: true } });
    const testFirst = new Set(testTasks.map((t) => (t.turns as { content: string }[][])[0]?.[0]?.content).filter(Boolean));
    const trainFirst = new Set(pool.map((p) => (p.task.turns as { content: string }[][])[0]?.[0]?.content).filter(Boolean));
    const firstUser = (r: FakeChatRequest) => r.messages.find((m) => m.role === "user")?.content ?? "";
    const evalRequests = fake.requests.filter((r) => testFirst.has(firstUser(r)) && !trainFirst.has(firstUser(r)));
    const trainRequests = fake.requests.filter((r) => trainFirst.has(firstUser(r)) && !testFirst.has(firstUser(r)));
    expect(evalRequests.length).toBeGreaterThan(0);
    expect(trainRequests.length).toBeGreaterThan(0);
    for (const r of evalRequests) {
      expect(r.temperature).toBe(0);
      expect(r.messages.some((m) => m.role === "system")).toBe(false);
    }
    expect(trainRequests.every((r) => r.temperature === 0.7)).toBe(true);
  });

  it("pauses itself with the reason when most of a step fails", async () => {
    const run = await createRun({
      db,
      jobs: jobSender(boss),
      config: { mode: "static", epochs: 1, k: 2, batchSize: 4, limitSeeds: 4, evalLimit: 4, policy: { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "nobody", timeoutMs: 1_000, maxRetries: 0 } },
    });
    expect(await waitForRunStatus(db, run.id, ["paused", "completed", "failed"], 120_000)).toBe("paused");
    const paused = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { statusReason: true } });
    expect(paused.statusReason).toMatch(/8 of 8 rollouts of step 1 failed for infrastructure reasons/);
  });
});
