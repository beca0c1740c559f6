import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI, type FakeScript, type FakeStep } from "../../../test/fake-openai-server";
import { parsedToToolCall } from "../../envs/bfcl/bfcl-env";
import { loadBfclEntries, type BfclEntry } from "../../envs/bfcl/data";
import { parseCall } from "../../envs/bfcl/python-call";
import { verifyTrajectory } from "../../envs/bfcl/verifier";
import { createLlmClient, LlmError, type ChatParams, type ChatResult, type LlmClient } from "../../llm/client";
import { ZOpenAIPolicy } from "../../rods/config";
import type { ChatMessage, RolloutResult, RolloutTask } from "../types";
import { DEFAULT_SYSTEM_PROMPT, MISS_FUNC_USER_MESSAGE, OpenAIPolicy, type OpenAIBehaviour, type TOpenAIPolicyConfig } from "./agent";

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A BFCL entry as the policies see it: ground truth parsed into {name, args, source}. */
function toRolloutTask(entry: BfclEntry): RolloutTask {
  return {
    id: entry.id,
    category: entry.category,
    involvedClasses: [...entry.involvedClasses],
    initialConfig: JSON.parse(JSON.stringify(entry.initialConfig)) as RolloutTask["initialConfig"],
    longContext: entry.longContext,
    turns: entry.question.map((turn) => turn.map((m) => ({ role: "user" as const, content: m.content }))),
    groundTruth: entry.groundTruth.map((turn) =>
      turn.map((source) => {
        const call = parsedToToolCall(parseCall(source));
        return { name: call.name, args: call.args, source };
      }),
    ),
    missedFunctions: JSON.parse(JSON.stringify(entry.missedFunction)) as Record<string, string[]>,
  };
}

function verifierEntry(task: RolloutTask) {
  return {
    involvedClasses: task.involvedClasses,
    initialConfig: task.initialConfig,
    longContext: task.longContext,
    groundTruth: task.groundTruth.map((turn) => turn.map((c) => c.source)),
  };
}

function policyConfig(baseUrl: string, overrides: Partial<TOpenAIPolicyConfig> = {}): TOpenAIPolicyConfig {
  return { ...ZOpenAIPolicy.parse({ kind: "openai", baseUrl, model: "fake-model" }), ...overrides };
}

/** A policy against a fake server whose client never really waits between retries. */
async function setup(script: FakeScript, overrides: Partial<TOpenAIPolicyConfig> = {}, timeoutMs = 2_000) {
  const server = await startFakeOpenAI({ script });
  servers.push(server);
  const config = policyConfig(server.url, overrides);
  const client = createLlmClient({ baseUrl: server.url, model: config.model, timeoutMs, maxRetries: config.maxRetries }, { sleep: async () => {} });
  return { server, policy: new OpenAIPolicy(config, { client }) };
}

/** Scripted replies that replay the ground truth: per turn its calls in one step, then a short answer. */
function groundTruthScript(task: RolloutTask): FakeStep[] {
  return task.groundTruth.flatMap((calls): FakeStep[] =>
    calls.length === 0
      ? [{ content: "I cannot do that with the functions I have; could you help?" }]
      : [{ toolCalls: calls.map((c) => ({ name: c.name, arguments: JSON.stringify(c.args) })) }, { content: "Done." }],
  );
}

function toolMessages(result: RolloutResult): Extract<ChatMessage, { role: "tool" }>[] {
  return result.messages.filter((m): m is Extract<ChatMessage, { role: "tool" }> => m.role === "tool");
}

const base0 = toRolloutTask(loadBfclEntries("base")[0]);

describe("OpenAIPolicy: a full rollout", () => {
  it("replays a base entry's ground truth turn by turn and the verifier gives R_P = 1", async () => {
    const { server, policy } = await setup(groundTruthScript(base0));
    const result = await policy.rollout(base0, { sample: 0, seed: 7 });

    expect(result.infraError).toBeUndefined();
    expect(result.modelCalls).toHaveLength(base0.turns.length);
    expect(result.modelCalls.map((turn) => turn.map((c) => c.name))).toEqual(base0.groundTruth.map((turn) => turn.map((c) => c.name)));
    const verdict = verifyTrajectory({ entry: verifierEntry(base0), modelCalls: result.modelCalls });
    expect(verdict.progressReward).toBe(1);
    expect(verdict.success).toBe(true);

    const callCount = base0.groundTruth.flat().length;
    expect(toolMessages(result)).toHaveLength(callCount);
    expect(result.messages[0]).toEqual({ role: "system", content: DEFAULT_SYSTEM_PROMPT });
    expect(result.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual(base0.turns.map((t) => t[0].content));
    // every tool message answers a call of the assistant message before it
    const callIds = result.messages.flatMap((m) => (m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : []));
    expect(toolMessages(result).map((m) => m.tool_call_id)).toEqual(callIds);

    expect(server.requests).toHaveLength(groundTruthScript(base0).length);
    expect(result.tokensIn).toBe(11 * server.requests.length);
    expect(result.tokensOut).toBe(7 * server.requests.length);
    expect(result.behaviour).toMatchObject({ stopReason: "completed", llmCalls: server.requests.length } satisfies Partial<OpenAIBehaviour>);
    const first = server.requests[0];
    expect(first).toMatchObject({ model: "fake-model", temperature: 0.7, top_p: 1, max_tokens: 1024, seed: 7 });
    expect(first.tools?.map((t) => t.function.name)).toContain("post_tweet");
  });

  it("decodes greedily when asked", async () => {
    const { server, policy } = await setup(() => ({ content: "ok" }));
    await policy.rollout(base0, { sample: 0, seed: 1, isGreedy: true });
    expect(server.requests.every((r) => r.temperature === 0)).toBe(true);
  });

  it("asks for logprobs when configured and records what the server returned per assistant message", async () => {
    const { server, policy } = await setup(() => ({ content: "ok", logprobs: [{ token: "ok", logprob: -0.25 }], tokenIds: [42] }), { logprobs: true });
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });
    expect(server.requests.every((r) => r.logprobs === true)).toBe(true);
    const tokens = (result.behaviour as OpenAIBehaviour).tokens!;
    expect(tokens).toHaveLength(base0.turns.length);
    for (const t of tokens) {
      expect(result.messages[t.messageIndex]).toMatchObject({ role: "assistant", content: "ok" });
      expect(t).toMatchObject({ tokens: ["ok"], logprobs: [-0.25], tokenIds: [42] });
    }
  });

  it("does not ask for logprobs by default, and records none when the server sends none", async () => {
    const { server, policy } = await setup(() => ({ content: "ok" }));
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });
    expect(server.requests.some((r) => "logprobs" in r)).toBe(false);
    expect((result.behaviour as OpenAIBehaviour).tokens).toBeUndefined();
  });

  it("ends the rollout when a turn uses up its steps; later turns count as not reached", async () => {
    const { server, policy } = await setup(() => ({ toolCalls: [{ name: "pwd", arguments: "{}" }] }), { maxStepsPerTurn: 3 });
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });
    expect(server.requests).toHaveLength(3);
    expect(result.infraError).toBeUndefined();
    expect(result.modelCalls).toEqual([[{ name: "pwd", args: {} }, { name: "pwd", args: {} }, { name: "pwd", args: {} }]]);
    expect((result.behaviour as OpenAIBehaviour).stopReason).toBe("step_limit");
    const verdict = verifyTrajectory({ entry: verifierEntry(base0), modelCalls: result.modelCalls });
    expect(verdict.turns.slice(1).every((t) => t.reason === "turn not reached")).toBe(true);
  });
});

describe("OpenAIPolicy: bad tool calls", () => {
  it("turns broken arguments and unknown functions into error results the model sees, and completes", async () => {
    const script: FakeStep[] = [
      {
        toolCalls: [
          { name: "post_tweet", arguments: '{"content": "unterminated' },
          { name: "teleport", arguments: '{"where": "moon"}' },
          { name: "cd", arguments: '["document"]' },
          { name: "cd", arguments: "{}" },
        ],
      },
      { content: "Sorry, something went wrong." },
      ...base0.turns.slice(1).map(() => ({ content: "ok" })),
    ];
    const { server, policy } = await setup(script);
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });

    expect(result.infraError).toBeUndefined();
    const tools = toolMessages(result);
    expect(tools).toHaveLength(4);
    for (const m of tools) expect(m.content.startsWith("Error during execution: ")).toBe(true);
    expect(tools[0].content).toContain("not valid JSON");
    expect(tools[1].content).toContain("'teleport' is not defined");
    expect(tools[2].content).toContain("must be a JSON object");
    expect(tools[3].content).toContain("missing 1 required positional argument: 'folder'");
    // the model saw the errors in its next request
    const second = server.requests[1].messages.filter((m) => m.role === "tool").map((m) => m.content);
    expect(second).toEqual(tools.map((m) => m.content));
    // executed calls (parsed arguments) are recorded, unparsable ones are not
    expect(result.modelCalls[0]).toEqual([
      { name: "teleport", args: { where: "moon" } },
      { name: "cd", args: {} },
    ]);
    expect(result.modelCalls).toHaveLength(base0.turns.length);
    const verdict = verifyTrajectory({ entry: verifierEntry(base0), modelCalls: result.modelCalls });
    expect(verdict.progressReward).toBeLessThan(1);
  });
});

describe("OpenAIPolicy: infrastructure failures", () => {
  it("returns infraError (no throw) with the messages so far when the server keeps failing", async () => {
    const { server, policy } = await setup(() => ({ status: 500 }), { maxRetries: 2 });
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });
    expect(result.infraError).toMatch(/^server_error \(HTTP 500\): .*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
    expect(result.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(result.modelCalls).toEqual([[]]);
    expect(result.behaviour).toMatchObject({ stopReason: "infra_error", attempts: 3 });
  });

  it("returns infraError for an unreachable server", async () => {
    const gone = await startFakeOpenAI({ script: [] });
    await gone.close();
    const config = policyConfig(gone.url, { maxRetries: 1 });
    const client = createLlmClient({ baseUrl: gone.url, model: "m", timeoutMs: 2_000, maxRetries: 1 }, { sleep: async () => {} });
    const result = await new OpenAIPolicy(config, { client }).rollout(base0, { sample: 0, seed: 1 });
    expect(result.infraError).toMatch(/^network: /);
  });

  it("returns infraError at once for a bad key, after a turn already done", async () => {
    const { server, policy } = await setup([{ content: "first turn answered" }, { status: 401, message: "invalid api key" }]);
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });
    expect(result.infraError).toBe("auth (HTTP 401): invalid api key");
    expect(server.requests).toHaveLength(2);
    expect(result.messages.filter((m) => m.role === "assistant")).toHaveLength(1);
    expect(result.modelCalls).toEqual([[], []]);
  });

  it("treats a context-length rejection as the end of the rollout, not an infrastructure failure", async () => {
    const { policy } = await setup([{ content: "ok" }, { status: 400, code: "context_length_exceeded", message: "This model's maximum context length is 8192 tokens" }]);
    const result = await policy.rollout(base0, { sample: 0, seed: 1 });
    expect(result.infraError).toBeUndefined();
    expect((result.behaviour as OpenAIBehaviour).stopReason).toBe("context_overflow");
    expect(result.modelCalls).toHaveLength(2);
  });

  it("throws LlmError('aborted') when the caller aborts", async () => {
    const controller = new AbortController();
    const { policy } = await setup(() => {
      setTimeout(() => controller.abort(), 5);
      return { hangMs: 3_000, then: { content: "too late" } };
    });
    const outcome = await policy.rollout(base0, { sample: 0, seed: 1, signal: controller.signal }).then(
      () => "resolved",
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(LlmError);
    expect((outcome as LlmError).kind).toBe("aborted");
  });
});

describe("OpenAIPolicy: miss_func", () => {
  it("offers held-back tools only from their turn, with BFCL's user message for that turn", async () => {
    const entry = loadBfclEntries("miss_func").find((e) => e.id === "multi_turn_miss_func_1")!;
    const task = toRolloutTask(entry);
    const [[releaseTurn, names]] = Object.entries(task.missedFunctions).map(([t, n]) => [Number(t), n] as const);
    expect(task.turns[releaseTurn]).toEqual([]);
    // one step per turn: request i belongs to turn i
    const { server, policy } = await setup(() => ({ content: "ok" }));
    const result = await policy.rollout(task, { sample: 0, seed: 1 });
    expect(server.requests).toHaveLength(task.turns.length);
    server.requests.forEach((request, turn) => {
      const offered = request.tools?.map((t) => t.function.name) ?? [];
      for (const name of names) expect(offered.includes(name)).toBe(turn >= releaseTurn);
    });
    const releaseRequest = server.requests[releaseTurn].messages;
    expect(releaseRequest[releaseRequest.length - 1]).toEqual({ role: "user", content: MISS_FUNC_USER_MESSAGE });
    expect(result.modelCalls).toHaveLength(task.turns.length);
  });
});

describe("OpenAIPolicy: concurrency", () => {
  it("keeps at most `concurrency` conversations in flight across rollouts of one instance", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const client: LlmClient = {
      async chat(_params: ChatParams): Promise<ChatResult> {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return { message: { content: "ok", toolCalls: [] }, finishReason: "stop", usage: { promptTokens: 1, completionTokens: 1 }, latencyMs: 2, attempts: 1 };
      },
      listModels: async () => [],
    };
    const policy = new OpenAIPolicy(policyConfig("http://127.0.0.1:9/v1", { concurrency: 2 }), { client, systemPrompt: null });
    const results = await Promise.all(Array.from({ length: 6 }, (_, sample) => policy.rollout(base0, { sample, seed: sample })));
    expect(maxInFlight).toBe(2);
    expect(results.every((r) => r.infraError === undefined && r.modelCalls.length === base0.turns.length)).toBe(true);
    expect(results[0].messages[0].role).toBe("user");
  });
});
