// Environment sessions against a real Postgres: results are the environment's own strings, state survives a
// process that never saw the session (replay from stored calls), miss_func releases, bad calls, expiry and finish.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db";
import { createBfclEnvironment } from "../envs/bfcl/bfcl-env";
import { MISS_FUNC_USER_MESSAGE } from "../policies/openai/agent";
import { AppError } from "../errors";
import { resetData, testDb } from "../../test/db";
import { createEnvSession, dropSessionCache, executeSessionCalls, expireIdleSessions, finishEnvSession, nextSessionTurn } from "./env-session-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { resolveTask } from "./task-lookup";

const db = testDb();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof AppError ? error.code : `thrown: ${String(error)}`;
  }
}

describe("environment sessions", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  });
  afterAll(() => disconnectDb());

  it("plays the ground truth call by call with the environment's own result strings, and scores it 1", async () => {
    const task = await resolveTask({ db, taskId: "multi_turn_base_0" });
    const reference = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
    const opened = await createEnvSession({ db, taskId: "multi_turn_base_0" });
    expect(opened).toMatchObject({ turn: 1, turns: task.turns.length, taskId: task.id });
    expect(opened.messages).toEqual(task.turns[0]);
    expect(opened.tools.map((t) => t.function.name)).toContain(task.groundTruth[0]![0]!.name);

    for (let t = 0; t < task.turns.length; t++) {
      if (t > 0) {
        // Another web process, with nothing in memory, continues the session from the stored calls.
        dropSessionCache();
        const next = await nextSessionTurn({ db, sessionId: opened.sessionId });
        expect(next.turn).toBe(t + 1);
        expect(next.messages).toEqual(task.turns[t]);
      }
      const calls = task.groundTruth[t]!.map((c) => ({ name: c.name, arguments: c.args }));
      const { results } = await executeSessionCalls({ db, sessionId: opened.sessionId, calls });
      expect(results).toEqual(calls.map((c) => reference.execute({ name: c.name, args: c.arguments }).output));
    }
    expect(await codeOf(nextSessionTurn({ db, sessionId: opened.sessionId }))).toBe("CONFLICT");
    const score = await finishEnvSession({ db, sessionId: opened.sessionId });
    expect(score).toMatchObject({ reward: 1, success: true });
    expect(score.turns).toHaveLength(task.turns.length);
    // Finishing twice answers the same; calls after finish are refused and change nothing.
    expect(await finishEnvSession({ db, sessionId: opened.sessionId })).toEqual(score);
    expect(await codeOf(executeSessionCalls({ db, sessionId: opened.sessionId, calls: [{ name: "ls", arguments: {} }] }))).toBe("CONFLICT");
    const row = await db.envSession.findUniqueOrThrow({ where: { id: opened.sessionId }, select: { callCount: true } });
    expect(row.callCount).toBe(task.groundTruth.flat().length);
  });

  it("scores a session that stops early with the turns never reached as failed", async () => {
    const opened = await createEnvSession({ db, taskId: "multi_turn_base_1" });
    const score = await finishEnvSession({ db, sessionId: opened.sessionId });
    expect(score.success).toBe(false);
    expect(score.turns.some((t) => t.reason === "turn not reached")).toBe(true);
  });

  it("releases held-back tools of a miss_func task at their turn", async () => {
    const task = await resolveTask({ db, taskId: "multi_turn_miss_func_0" });
    const [releaseTurn, names] = Object.entries(task.missedFunctions)[0]!;
    const opened = await createEnvSession({ db, taskId: task.id });
    const held = names![0]!;
    expect(opened.tools.map((t) => t.function.name)).not.toContain(held);
    let view = opened;
    while (view.turn - 1 < Number(releaseTurn)) view = await nextSessionTurn({ db, sessionId: opened.sessionId });
    expect(view.tools.map((t) => t.function.name)).toContain(held);
    expect(view.messages).toEqual([{ role: "user", content: MISS_FUNC_USER_MESSAGE }]);
  });

  it("answers bad calls with the environment's error results and keeps the session usable", async () => {
    const opened = await createEnvSession({ db, taskId: "multi_turn_base_0" });
    const { results } = await executeSessionCalls({
      db,
      sessionId: opened.sessionId,
      calls: [
        { name: "no_such_tool", arguments: {} },
        { name: "cd", arguments: "{not json" },
        { name: "cd", arguments: "[1, 2]" },
        { name: "cd", arguments: { folder: "document", extra: 1 } },
        { name: "pwd", arguments: "" },
      ],
    });
    expect(results[0]).toBe("Error during execution: name 'no_such_tool' is not defined");
    expect(results[1]).toMatch(/^Error during execution: arguments of cd are not valid JSON/);
    expect(results[2]).toBe("Error during execution: arguments of cd must be a JSON object of parameter names to values, got an array");
    expect(results[3]).toMatch(/unexpected keyword argument 'extra'/);
    expect(results[4]).toMatch(/current_working_directory/);
  });

  it("refuses an unknown task and unknown or expired sessions, writing nothing", async () => {
    const before = await db.envSession.count();
    expect(await codeOf(createEnvSession({ db, taskId: "multi_turn_base_99999" }))).toBe("NOT_FOUND");
    expect(await db.envSession.count()).toBe(before);
    expect(await codeOf(executeSessionCalls({ db, sessionId: "nope", calls: [] }))).toBe("NOT_FOUND");

    const opened = await createEnvSession({ db, taskId: "multi_turn_base_2" });
    await db.envSession.update({ where: { id: opened.sessionId }, data: { lastActiveAt: new Date(Date.now() - 3 * 3600_000) } });
    expect(await codeOf(executeSessionCalls({ db, sessionId: opened.sessionId, calls: [{ name: "ls", arguments: {} }] }))).toBe("GONE");
    expect(await expireIdleSessions({ db })).toMatchObject({ expired: 1 });
    const row = await db.envSession.findUniqueOrThrow({ where: { id: opened.sessionId }, select: { status: true, calls: true } });
    expect(row).toEqual({ status: "expired", calls: [] });
    expect(await codeOf(finishEnvSession({ db, sessionId: opened.sessionId }))).toBe("GONE");
  });

  it("applies concurrent calls on one session each once, or refuses them, never losing one", async () => {
    const opened = await createEnvSession({ db, taskId: "multi_turn_base_0" });
    const names = Array.from({ length: 8 }, (_, i) => `race_${i}.txt`);
    const outcomes = await Promise.allSettled(names.map((file_name) => executeSessionCalls({ db, sessionId: opened.sessionId, calls: [{ name: "touch", arguments: { file_name } }] })));
    const applied = names.filter((_, i) => outcomes[i]!.status === "fulfilled");
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as AppError).code).toBe("CONFLICT");
    expect(applied.length).toBeGreaterThan(0);
    dropSessionCache();
    const { results } = await executeSessionCalls({ db, sessionId: opened.sessionId, calls: [{ name: "ls", arguments: {} }] });
    const listed = (JSON.parse(results[0]!) as { current_directory_content: string[] }).current_directory_content.filter((n) => n.startsWith("race_"));
    expect(listed.sort()).toEqual([...applied].sort());
    const row = await db.envSession.findUniqueOrThrow({ where: { id: opened.sessionId }, select: { callCount: true } });
    expect(row.callCount).toBe(applied.length + 1);
  });

  it("serves 64 sessions at once without an error", async () => {
    const ids = Array.from({ length: 64 }, (_, i) => `multi_turn_base_${i}`);
    const outcomes = await Promise.all(
      ids.map(async (taskId) => {
        const task = await resolveTask({ db, taskId });
        const opened = await createEnvSession({ db, taskId });
        const calls = task.groundTruth[0]!.map((c) => ({ name: c.name, arguments: c.args }));
        const { results } = await executeSessionCalls({ db, sessionId: opened.sessionId, calls });
        return results.length === calls.length;
      }),
    );
    expect(outcomes.every(Boolean)).toBe(true);
  });
});
