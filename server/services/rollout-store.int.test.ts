// Bulk rollout storage on a real database: trajectories round-trip exactly, and storing a group again (a retried
// job) inserts only the samples that are missing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { fillSyntheticRun, removeSyntheticRuns, type SyntheticRun } from "../../test/fixtures/synthetic-run";
import { disconnectDb } from "../db";
import { insertRollouts } from "./rollout-store";

const db = testDb();
let run: SyntheticRun;

const trajectory = (sample: number) => [
  { role: "user", content: `list the files, please (sample ${sample}) — "quoted", \\ back\nslash` },
  { role: "assistant", content: null, tool_calls: [{ id: `c${sample}`, type: "function", function: { name: "ls", arguments: '{"a":true}' } }] },
  { role: "tool", tool_call_id: `c${sample}`, content: '{"current_directory_content": ["a.txt", "ü.md"]}' },
  { role: "assistant", content: "Done." },
];

describe("insertRollouts", () => {
  beforeAll(async () => {
    run = await fillSyntheticRun({ db, steps: 1, tasks: 2, k: 2, name: "rollout-store" });
  });
  afterAll(async () => {
    await removeSyntheticRuns({ db, runs: [run] });
    await disconnectDb();
  });

  it("stores scored and failed rollouts exactly, and a repeated group only adds what is missing", async () => {
    const taskId = run.seedTaskIds[0]!;
    const stepIndex = 99;
    const row = (sample: number) =>
      sample === 2
        ? { runId: run.runId, stepIndex, taskId, sample, messages: trajectory(sample), tokensIn: 5, tokensOut: 0, latencyMs: 12, infraError: "timeout: no answer" }
        : {
            runId: run.runId,
            stepIndex,
            taskId,
            sample,
            policyVersion: 3,
            messages: trajectory(sample),
            turnResults: [{ stateOk: true, execOk: sample === 0, reason: null }],
            behaviour: { stopReason: "completed", llmCalls: 2 },
            reward: sample === 0 ? 1 : 0.5,
            success: sample === 0,
            tokensIn: 40,
            tokensOut: 9,
            latencyMs: 120,
          };
    expect(await insertRollouts({ db, rows: [row(0), row(1)] })).toBe(2);
    // The retried job rolls out samples 1 and 2 again: only 2 is new, and sample 1 keeps its first version.
    expect(await insertRollouts({ db, rows: [{ ...row(1), reward: 0 }, row(2)] })).toBe(1);

    const stored = await db.rollout.findMany({ where: { runId: run.runId, stepIndex }, orderBy: { sample: "asc" } });
    expect(stored.map((r) => r.sample)).toEqual([0, 1, 2]);
    expect(stored[0]).toMatchObject({ policyVersion: 3, reward: 1, success: true, tokensIn: 40, tokensOut: 9, latencyMs: 120, infraError: null });
    expect(stored[0]!.messages).toEqual(trajectory(0));
    expect(stored[0]!.turnResults).toEqual([{ stateOk: true, execOk: true, reason: null }]);
    expect(stored[0]!.behaviour).toEqual({ stopReason: "completed", llmCalls: 2 });
    expect(stored[1]!.reward).toBe(0.5);
    expect(stored[2]).toMatchObject({ reward: null, success: null, turnResults: null, behaviour: null, policyVersion: 0, infraError: "timeout: no answer" });
    expect(stored[2]!.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(new Set(stored.map((r) => r.id)).size).toBe(3);
  });

  it("stores nothing for an empty group", async () => {
    expect(await insertRollouts({ db, rows: [] })).toBe(0);
  });
});
