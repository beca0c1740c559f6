import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI, type FakeStep } from "../../../test/fake-openai-server";
import { parsedToToolCall } from "../../envs/bfcl/bfcl-env";
import { parseCall } from "../../envs/bfcl/python-call";
import { prepareGroundTruth, verifyTrajectory } from "../../envs/bfcl/verifier";
import type { RolloutTask } from "../../policies/types";
import { createSynthesizer } from "..";
import type { SynthesisContext } from "../types";
import { createLlmSynthesizer } from ".";

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function call(source: string) {
  const c = parsedToToolCall(parseCall(source));
  return { name: c.name, args: c.args, source };
}

// A small base seed: look up a stock, then compute with its price.
const seed: RolloutTask = {
  id: "seed-llm",
  category: "base",
  involvedClasses: ["TradingBot", "MathAPI"],
  initialConfig: {},
  longContext: false,
  turns: [[{ role: "user", content: "How is Apple doing?" }], [{ role: "user", content: "Add one to that price." }]],
  groundTruth: [[call("get_stock_info(symbol='AAPL')")], [call("add(a=227.16, b=1)")]],
  missedFunctions: {},
};
const context: SynthesisContext = { seed: 5, existingHashes: new Set(), maxPatches: 3 };

const GOOD_PLAN = { turns: [{ calls: [{ name: "get_stock_info", arguments: { symbol: "GOOG" } }] }, { calls: [{ name: "multiply", arguments: { a: 2840.34, b: 2 } }] }] };
const GOOD_TEXTS = { turns: ["I'm keeping an eye on Google today: please get me the latest information on 'GOOG'.", "With that price, work out 2840.34 times 2."] };
const ACCEPT = { verdict: "accept", score: 0.9, reasons: [] };

type Task = "plan" | "rewrite" | "judge";
const taskOf = (request: FakeChatRequest): Task => (JSON.parse(request.messages[request.messages.length - 1].content ?? "{}") as { task: Task }).task;

/** A fake model that answers each stage from `replies` (a list per stage, consumed in order; the last repeats). */
async function fakeModel(replies: Partial<Record<Task, FakeStep[]>>) {
  const used: Record<Task, number> = { plan: 0, rewrite: 0, judge: 0 };
  const defaults: Record<Task, FakeStep> = {
    plan: { content: JSON.stringify(GOOD_PLAN) },
    rewrite: { content: JSON.stringify(GOOD_TEXTS) },
    judge: { content: JSON.stringify(ACCEPT) },
  };
  const server = await startFakeOpenAI({
    script: (request) => {
      const task = taskOf(request);
      const list = replies[task];
      if (!list?.length) return defaults[task];
      return list[Math.min(used[task]++, list.length - 1)];
    },
  });
  servers.push(server);
  const synthesizer = createLlmSynthesizer({ baseUrl: server.url, model: "fake-model", timeoutMs: 5_000, maxRetries: 0, temperature: 0.2 });
  return { server, synthesizer, tasks: () => server.requests.map(taskOf) };
}

describe("llm synthesizer against an OpenAI-compatible server", () => {
  it("turns scripted stage replies into an accepted task whose ground truth replays to R_P = 1", async () => {
    const { server, synthesizer, tasks } = await fakeModel({});
    const result = await synthesizer.synthesize(seed, context);
    expect(result.outcome, result.errorMessage).toBe("accepted");
    expect(synthesizer.backend).toBe("llm");
    const task = result.task!;
    expect(task.groundTruth.map((t) => t.map((c) => c.source))).toEqual([["get_stock_info(symbol='GOOG')"], ["multiply(a=2840.34, b=2.0)"]]);
    expect(task.turns.map((t) => t[0].content)).toEqual(GOOD_TEXTS.turns);
    expect(result.judgeVerdict).toMatchObject({ isAccepted: true, score: 0.9 });
    expect(result.gateResults.every((g) => g.isPassed)).toBe(true);
    const entry = { ...task, groundTruth: task.groundTruth.map((t) => t.map((c) => c.source)) };
    const replay = verifyTrajectory({ entry, prepared: prepareGroundTruth(entry), modelCalls: task.groundTruth.map((t) => t.map((c) => ({ name: c.name, args: c.args }))) });
    expect(replay.progressReward).toBe(1);
    // One prompt per stage, each with a JSON-schema response format.
    expect(tasks()).toEqual(["plan", "rewrite", "judge"]);
    for (const request of server.requests) {
      expect(request.model).toBe("fake-model");
      expect(request.response_format).toMatchObject({ type: "json_schema", json_schema: { name: expect.any(String), schema: expect.any(Object) } });
    }
  });

  it("drops a plan that is not JSON as decompose_failed", async () => {
    const { synthesizer } = await fakeModel({ plan: [{ content: "Sure! Here is a plan: first look up a stock" }] });
    const result = await synthesizer.synthesize(seed, context);
    expect(result).toMatchObject({ outcome: "dropped", errorType: "decompose_failed", stageReached: "plan" });
  });

  it("drops a plan that repeats the seed's calls as decompose_failed", async () => {
    const copy = { turns: seed.groundTruth.map((t) => ({ calls: t.map((c) => ({ name: c.name, arguments: c.args })) })) };
    const { synthesizer } = await fakeModel({ plan: [{ content: JSON.stringify(copy) }] });
    const result = await synthesizer.synthesize(seed, context);
    expect(result).toMatchObject({ outcome: "dropped", errorType: "decompose_failed", stageReached: "plan" });
    expect(result.errorMessage).toContain("repeats the seed");
  });

  it("drops a plan calling an unknown tool as func_sample_failed, and one with a made-up parameter as param_gen_failed", async () => {
    const unknown = { turns: [{ calls: [{ name: "teleport", arguments: { to: "Mars" } }] }, GOOD_PLAN.turns[1]] };
    const { synthesizer } = await fakeModel({ plan: [{ content: JSON.stringify(unknown) }] });
    expect(await synthesizer.synthesize(seed, context)).toMatchObject({ outcome: "dropped", errorType: "func_sample_failed", stageReached: "plan" });

    const badParam = { turns: [{ calls: [{ name: "get_stock_info", arguments: { ticker: "GOOG" } }] }, GOOD_PLAN.turns[1]] };
    const second = await fakeModel({ plan: [{ content: JSON.stringify(badParam) }] });
    expect(await second.synthesizer.synthesize(seed, context)).toMatchObject({ outcome: "dropped", errorType: "param_gen_failed" });
  });

  it("drops a rewrite that names a function as conversation_construct_failed after one repair", async () => {
    const naming = { content: JSON.stringify({ turns: ["Call get_stock_info with 'GOOG'.", "Then work out 2840.34 times 2."] }) };
    const { synthesizer, tasks } = await fakeModel({ rewrite: [naming, naming] });
    const result = await synthesizer.synthesize(seed, context);
    expect(result).toMatchObject({ outcome: "dropped", errorType: "conversation_construct_failed", stageReached: "critique" });
    expect(tasks()).toEqual(["plan", "rewrite", "rewrite"]);
    expect(result.gateResults.filter((g) => g.name.endsWith("user_text") && !g.isPassed)).toHaveLength(2);
  });

  it("repairs a rejected text once, and drops with query_verify_failed when the judge rejects again", async () => {
    const reject = { content: JSON.stringify({ verdict: "reject", score: 0.1, reasons: ["the second turn is vague"] }) };
    const repaired = await fakeModel({ judge: [reject, { content: JSON.stringify(ACCEPT) }] });
    expect((await repaired.synthesizer.synthesize(seed, context)).outcome).toBe("accepted");
    expect(repaired.tasks()).toEqual(["plan", "rewrite", "judge", "rewrite", "judge"]);
    // The repair prompt carries the judge's reasons.
    expect(repaired.server.requests[3].messages[1].content).toContain("the second turn is vague");

    const { synthesizer } = await fakeModel({ judge: [reject, reject] });
    const result = await synthesizer.synthesize(seed, context);
    expect(result).toMatchObject({ outcome: "dropped", errorType: "query_verify_failed", stageReached: "critique" });
    expect(result.judgeVerdict).toMatchObject({ isAccepted: false, reasons: ["the second turn is vague"] });
  });

  it("drops a judge reply without a verdict as query_verify_no_tag, and a malformed rewrite as query_gen_failed", async () => {
    const { synthesizer } = await fakeModel({ judge: [{ content: JSON.stringify({ score: 1, reasons: [] }) }] });
    expect(await synthesizer.synthesize(seed, context)).toMatchObject({ outcome: "dropped", errorType: "query_verify_no_tag" });

    const short = await fakeModel({ rewrite: [{ content: JSON.stringify({ turns: ["Only one turn."] }) }] });
    expect(await short.synthesizer.synthesize(seed, context)).toMatchObject({ outcome: "dropped", errorType: "query_gen_failed", stageReached: "rewrite" });
  });

  it("drops with pipeline_exception naming the error kind when the server keeps failing", async () => {
    const { synthesizer } = await fakeModel({ plan: [{ status: 500 }] });
    const result = await synthesizer.synthesize(seed, context);
    expect(result).toMatchObject({ outcome: "dropped", errorType: "pipeline_exception", stageReached: "plan" });
    expect(result.errorMessage).toContain("server_error");
  });
});

describe("createSynthesizer", () => {
  it("returns the backend a run's settings name", () => {
    expect(createSynthesizer({ kind: "procedural" }).backend).toBe("procedural");
    const llm = createSynthesizer({ kind: "llm", baseUrl: "http://127.0.0.1:9/v1", model: "m", timeoutMs: 1_000, maxRetries: 0, concurrency: 1, temperature: 0.7 });
    expect(llm.backend).toBe("llm");
  });
});
