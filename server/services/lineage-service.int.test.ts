// Lineage, reward history and trajectories of a task on a real database, with a hand-built family:
// seed S → A → A1, A → A2, S → B; two runs observe A.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { disconnectDb } from "../db";
import { AppError } from "../errors";
import { getLineage, getSeedComparison } from "./lineage-service";
import { getRollout, getTaskRewardHistory, listTaskRollouts } from "./trajectory-service";

const db = testDb();
const ids: Record<string, string> = {};
let older = "";
let newer = "";

async function createTask(name: string, parent?: string, origin: "seed" | "synthesized" = parent ? "synthesized" : "seed", datasetId = "") {
  const task = await db.task.create({
    data: {
      datasetId,
      externalId: name,
      category: "base",
      involvedClasses: ["MathAPI"],
      numTurns: 1,
      turns: [[{ role: "user", content: `question of ${name}` }]],
      initialConfig: {},
      groundTruth: [[{ name: "add", args: { a: 1, b: 2 }, source: "add(a=1, b=2)" }]],
      structure: { turns: 1, classesPerTurn: [["MathAPI"]], callsPerTurn: [name === "A" ? 2 : 1], dependencies: [], dependencyDepth: 0 },
      dependencyDepth: 0,
      origin,
      parentId: parent ? ids[parent] : null,
      status: name === "A2" ? "retired" : "active",
      reviewState: name === "B" ? "pending" : "none",
      contentHash: `hash-${name}`,
    },
    select: { id: true },
  });
  ids[name] = task.id;
}

describe("lineage and trajectories", () => {
  beforeAll(async () => {
    await resetData(db);
    const dataset = await db.dataset.create({ data: { name: "family" }, select: { id: true } });
    for (const [name, parent] of [["S"], ["A", "S"], ["B", "S"], ["A1", "A"], ["A2", "A"]] as const) await createTask(name, parent, undefined, dataset.id);
    const run = (name: string, createdAt: Date) => db.run.create({ data: { name, mode: "rods", config: {}, datasetId: dataset.id, createdAt }, select: { id: true } });
    older = (await run("older run", new Date("2026-01-01T00:00:00Z"))).id;
    newer = (await run("newer run", new Date("2026-02-01T00:00:00Z"))).id;
    const stat = (runId: string, stepIndex: number, taskId: string, mean: number, region: "hard" | "boundary" | "mastered") => ({
      runId, stepIndex, taskId, mean, region, rewards: [mean], variance: 0.01, phi: 4 * mean * (1 - mean),
    });
    await db.taskStepStat.createMany({
      data: [stat(older, 0, ids.A!, 0.1, "hard"), stat(older, 5, ids.A!, 0.5, "boundary"), stat(newer, 1, ids.A!, 0.9, "mastered"), stat(older, 3, ids.S!, 0.4, "boundary")],
    });
    await db.rollout.createMany({
      data: [
        {
          runId: newer, stepIndex: 1, taskId: ids.A!, sample: 0, reward: 1, success: true,
          messages: [
            { role: "user", content: "add one and two" },
            { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "add", arguments: '{"a":1,"b":2}' } }] },
            { role: "tool", tool_call_id: "c1", content: '{"result": 3}' },
            { role: "assistant", content: "It is 3." },
          ],
          turnResults: [{ stateOk: true, execOk: true }],
        },
        { runId: newer, stepIndex: 1, taskId: ids.A!, sample: 1, messages: [{ role: "user", content: "add one and two" }], infraError: "HTTP 503 after 5 attempts" },
      ],
    });
  });
  afterAll(() => disconnectDb());

  it("returns the ancestors root first and the descendants as a tree", async () => {
    const lineage = await getLineage({ db, taskId: ids.A! });
    expect(lineage.ancestors.map((n) => n.externalId)).toEqual(["S"]);
    expect(lineage.self).toMatchObject({ externalId: "A", origin: "synthesized", parentId: ids.S });
    expect(lineage.descendants.map((n) => n.externalId).sort()).toEqual(["A1", "A2"]);
    expect(lineage.descendants.find((n) => n.externalId === "A2")?.status).toBe("retired");
    expect(lineage.descendantCount).toBe(2);

    const fromSeed = await getLineage({ db, taskId: ids.S! });
    expect(fromSeed.ancestors).toEqual([]);
    const a = fromSeed.descendants.find((n) => n.externalId === "A")!;
    expect(a.children.map((n) => n.externalId).sort()).toEqual(["A1", "A2"]);
    expect(fromSeed.descendants.find((n) => n.externalId === "B")?.reviewState).toBe("pending");
    expect(fromSeed.descendantCount).toBe(4);

    const fromLeaf = await getLineage({ db, taskId: ids.A1! });
    expect(fromLeaf.ancestors.map((n) => n.externalId)).toEqual(["S", "A"]);
  });

  it("marks each node with the region of its latest statistic: newest run, then highest step", async () => {
    const lineage = await getLineage({ db, taskId: ids.S! });
    expect(lineage.self.latest).toMatchObject({ region: "boundary", runName: "older run", stepIndex: 3 });
    const a = lineage.descendants.find((n) => n.externalId === "A")!;
    expect(a.latest).toMatchObject({ region: "mastered", mean: 0.9, runId: newer, stepIndex: 1 });
    expect(a.children[0]!.latest).toBeNull();
  });

  it("compares a variant with its seed, and has nothing to compare for a seed", async () => {
    const comparison = await getSeedComparison({ db, taskId: ids.A! });
    expect(comparison?.seed.externalId).toBe("S");
    expect(comparison?.variant.structure?.callsPerTurn).toEqual([2]);
    expect(comparison?.seed.groundTruth[0]![0]!.name).toBe("add");
    expect(await getSeedComparison({ db, taskId: ids.S! })).toBeNull();
    await expect(getLineage({ db, taskId: "missing" })).rejects.toBeInstanceOf(AppError);
  });

  it("gives r̄ over steps per run, oldest run first", async () => {
    const history = await getTaskRewardHistory({ db, taskId: ids.A! });
    expect(history.map((r) => r.runName)).toEqual(["older run", "newer run"]);
    expect(history[0]!.points.map((p) => [p.stepIndex, p.mean])).toEqual([
      [0, 0.1],
      [5, 0.5],
    ]);
    expect(await getTaskRewardHistory({ db, taskId: ids.A1! })).toEqual([]);
  });

  it("indexes the stored rollouts and shows one as a conversation with its verdicts", async () => {
    const index = await listTaskRollouts({ db, taskId: ids.A! });
    expect(index).toEqual([
      {
        runId: newer,
        runName: "newer run",
        steps: [
          {
            stepIndex: 1,
            rollouts: 2,
            meanReward: 1,
            infraFailures: 1,
            firstSample: 0,
            lastSample: 1,
            // the sample picker shows each sample's reward, and an infrastructure failure as such (not as reward 0)
            samples: [
              { sample: 0, reward: 1, infraFailure: false },
              { sample: 1, reward: null, infraFailure: true },
            ],
          },
        ],
      },
    ]);

    const ok = await getRollout({ db, runId: newer, taskId: ids.A!, stepIndex: 1, sample: 0 });
    expect(ok.reward).toBe(1);
    expect(ok.turnResults).toEqual([{ stateOk: true, execOk: true, reason: null }]);
    expect(ok.entries.map((e) => e.kind)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(ok.entries[1]).toMatchObject({ kind: "assistant", toolCalls: [{ name: "add", arguments: '{\n  "a": 1,\n  "b": 2\n}' }] });
    expect(ok.entries[2]).toMatchObject({ kind: "tool", toolName: "add", text: '{"result": 3}' });

    const failed = await getRollout({ db, runId: newer, taskId: ids.A!, stepIndex: 1, sample: 1 });
    expect(failed).toMatchObject({ reward: null, infraError: "HTTP 503 after 5 attempts", turnResults: [] });
    await expect(getRollout({ db, runId: newer, taskId: ids.A!, stepIndex: 1, sample: 7 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
