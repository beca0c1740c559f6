import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI, type FakeScript } from "../../test/fake-openai-server";
import { backoffMs, createLlmClient, LlmError, MAX_RETRY_AFTER_MS, parseRetryAfter, requestJson, type LlmEndpoint, type RetryInfo } from "./client";

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(script: FakeScript, endpoint: Partial<LlmEndpoint> = {}) {
  const server = await startFakeOpenAI({ script });
  servers.push(server);
  const waits: number[] = [];
  const retries: RetryInfo[] = [];
  const client = createLlmClient(
    { baseUrl: server.url, model: "fake-model", timeoutMs: 2_000, maxRetries: 3, ...endpoint },
    { sleep: async (ms) => void waits.push(ms), onRetry: (info) => retries.push(info) },
  );
  return { server, client, waits, retries };
}

const hello = { messages: [{ role: "user" as const, content: "hello" }] };

async function llmErrorOf(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

describe("createLlmClient: a successful call", () => {
  it("sends the request settings and returns content, tool calls, finish reason and usage", async () => {
    const { server, client } = await setup([
      { content: "thinking", toolCalls: [{ name: "ls", arguments: '{"a":true}' }], usage: { promptTokens: 40, completionTokens: 9 } },
    ]);
    const tool = { type: "function" as const, function: { name: "ls", description: "list", parameters: { type: "object", properties: {} } } };
    const result = await client.chat({
      ...hello,
      tools: [tool],
      temperature: 0.3,
      topP: 0.9,
      maxTokens: 64,
      seed: 42,
      responseFormat: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" }, strict: true } },
    });
    expect(result.message.content).toBe("thinking");
    expect(result.message.toolCalls).toEqual([{ id: expect.any(String), name: "ls", arguments: '{"a":true}' }]);
    expect(result.finishReason).toBe("tool_calls");
    expect(result.usage).toEqual({ promptTokens: 40, completionTokens: 9 });
    expect(result.attempts).toBe(1);
    const body = server.requests[0];
    expect(body).toMatchObject({ model: "fake-model", messages: hello.messages, tools: [tool], temperature: 0.3, top_p: 0.9, max_tokens: 64, seed: 42 });
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "x", schema: { type: "object" }, strict: true } });
  });

  it("sends the key from an allowed environment variable, and a placeholder without one", async () => {
    process.env.LLM_TEST_KEY = "sk-test-123";
    process.env.RODS_ENDPOINT_KEY_ENVS = "LLM_TEST_KEY";
    try {
      const { server, client } = await setup([{ content: "a" }], { apiKeyEnv: "LLM_TEST_KEY" });
      await client.chat(hello);
      expect(server.headers[0].authorization).toBe("Bearer sk-test-123");
      const other = await setup([{ content: "b" }]);
      await other.client.chat(hello);
      expect(other.server.headers[0].authorization).toBe("Bearer unused");
    } finally {
      delete process.env.LLM_TEST_KEY;
      delete process.env.RODS_ENDPOINT_KEY_ENVS;
    }
  });

  it("refuses a key variable outside the allowlist, and RODS's own secrets even when listed", async () => {
    process.env.LLM_OTHER_KEY = "sk-other";
    process.env.RODS_ENDPOINT_KEY_ENVS = "LLM_TEST_KEY,DATABASE_URL,RODS_ADMIN_PASSWORD";
    try {
      for (const apiKeyEnv of ["LLM_OTHER_KEY", "DATABASE_URL", "RODS_ADMIN_PASSWORD"]) {
        expect(() => createLlmClient({ baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKeyEnv, timeoutMs: 1_000, maxRetries: 0 })).toThrow(/not allowed/);
      }
    } finally {
      delete process.env.LLM_OTHER_KEY;
      delete process.env.RODS_ENDPOINT_KEY_ENVS;
    }
  });

  it("lists the server's models", async () => {
    const server = await startFakeOpenAI({ script: [], models: ["qwen3-4b", "llama"] });
    servers.push(server);
    const client = createLlmClient({ baseUrl: server.url, model: "x", timeoutMs: 2_000, maxRetries: 0 });
    expect(await client.listModels()).toEqual(["qwen3-4b", "llama"]);
  });
});

describe("createLlmClient: retries", () => {
  it("waits as long as Retry-After says after a 429, then succeeds", async () => {
    const { server, client, waits, retries } = await setup([{ status: 429, retryAfterSeconds: 3 }, { content: "ok" }]);
    const result = await client.chat(hello);
    expect(result.message.content).toBe("ok");
    expect(result.attempts).toBe(2);
    expect(waits).toEqual([3_000]);
    expect(retries).toMatchObject([{ attempt: 1, kind: "rate_limited", status: 429, delayMs: 3_000 }]);
    expect(server.requests).toHaveLength(2);
  });

  it("prefers retry-after-ms and caps a very long Retry-After", async () => {
    const a = await setup([{ status: 429, retryAfterMs: 250, retryAfterSeconds: 9 }, { content: "ok" }]);
    await a.client.chat(hello);
    expect(a.waits).toEqual([250]);
    const b = await setup([{ status: 429, retryAfterSeconds: 3_600 }, { content: "ok" }]);
    await b.client.chat(hello);
    expect(b.waits).toEqual([MAX_RETRY_AFTER_MS]);
  });

  it("retries a 500 with backoff, then succeeds", async () => {
    const { client, waits, retries } = await setup([{ status: 500 }, { content: "ok" }]);
    const result = await client.chat(hello);
    expect(result.message.content).toBe("ok");
    expect(result.attempts).toBe(2);
    expect(retries[0]).toMatchObject({ kind: "server_error", status: 500 });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(375);
    expect(waits[0]).toBeLessThanOrEqual(500);
  });

  it("retries after a timeout, then succeeds", async () => {
    const { client, retries } = await setup([{ hangMs: 5_000 }, { content: "in time" }], { timeoutMs: 150 });
    const result = await client.chat(hello);
    expect(result.message.content).toBe("in time");
    expect(result.attempts).toBe(2);
    expect(retries).toMatchObject([{ kind: "timeout" }]);
  });

  it("gives up after maxRetries with the last error's kind and status", async () => {
    const { server, client, waits } = await setup(() => ({ status: 503 }), { maxRetries: 2 });
    const error = await llmErrorOf(client.chat(hello));
    expect(error.kind).toBe("server_error");
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(3);
    // exponential: the second wait is drawn from a step twice as long as the first
    expect(waits[0]).toBeLessThanOrEqual(500);
    expect(waits[1]).toBeGreaterThanOrEqual(750);
  });

  it("reports an unreachable server as a network error after its retries", async () => {
    const gone = await startFakeOpenAI({ script: [] });
    await gone.close();
    const waits: number[] = [];
    const client = createLlmClient({ baseUrl: gone.url, model: "m", timeoutMs: 2_000, maxRetries: 1 }, { sleep: async (ms) => void waits.push(ms) });
    const error = await llmErrorOf(client.chat(hello));
    expect(error.kind).toBe("network");
    expect(error.attempts).toBe(2);
    expect(waits).toHaveLength(1);
  });

  it.each([
    [400, "bad_request"],
    [401, "auth"],
    [403, "auth"],
    [404, "not_found"],
  ] as const)("does not retry HTTP %i (%s)", async (status, kind) => {
    const { server, client, waits } = await setup([{ status, message: "nope", code: status === 400 ? "context_length_exceeded" : undefined }, { content: "never" }]);
    const error = await llmErrorOf(client.chat(hello));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.isRetryable).toBe(false);
    expect(error.attempts).toBe(1);
    if (status === 400) expect(error.code).toBe("context_length_exceeded");
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

describe("createLlmClient: malformed responses", () => {
  it("retries a body that is not JSON once and succeeds", async () => {
    const { client, retries } = await setup([{ malformed: "not-json-body" }, { content: "fine" }]);
    const result = await client.chat(hello);
    expect(result.message.content).toBe("fine");
    expect(retries).toMatchObject([{ kind: "malformed_response" }]);
  });

  it("gives up on a response without choices after one retry, whatever maxRetries says", async () => {
    const { server, client } = await setup(() => ({ malformed: "no-choices" }), { maxRetries: 5 });
    const error = await llmErrorOf(client.chat(hello));
    expect(error.kind).toBe("malformed_response");
    expect(error.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });
});

describe("createLlmClient: abort", () => {
  it("stops a request in flight at once", async () => {
    const controller = new AbortController();
    const { client } = await setup(
      () => {
        setTimeout(() => controller.abort(), 5);
        return { hangMs: 3_000, then: { content: "too late" } };
      },
      { timeoutMs: 10_000 },
    );
    const error = await llmErrorOf(client.chat({ ...hello, signal: controller.signal }));
    expect(error.kind).toBe("aborted");
  });

  it("stops a retry wait at once", async () => {
    const server = await startFakeOpenAI({ script: () => ({ status: 500 }) });
    servers.push(server);
    const controller = new AbortController();
    const client = createLlmClient(
      { baseUrl: server.url, model: "m", timeoutMs: 2_000, maxRetries: 3 },
      { sleep: () => new Promise<void>(() => {}), onRetry: () => controller.abort() },
    );
    const error = await llmErrorOf(client.chat({ ...hello, signal: controller.signal }));
    expect(error.kind).toBe("aborted");
    expect(server.requests).toHaveLength(1);
  });
});

describe("retry timing helpers", () => {
  it("parses Retry-After as seconds or an HTTP date, and ignores garbage", () => {
    const h = (entries: Record<string, string>) => new Headers(entries);
    expect(parseRetryAfter(h({ "retry-after": "2" }))).toBe(2_000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter(h({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5_000);
    expect(parseRetryAfter(h({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
  });

  it("backs off exponentially up to a cap", () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(3, () => 0)).toBe(2_000);
    expect(backoffMs(20, () => 0)).toBe(8_000);
    expect(backoffMs(1, () => 1)).toBe(375);
  });
});

describe("createLlmClient: the keep-alive transport", () => {
  it("returns the chat-completion object as the server sent it", async () => {
    const { client } = await setup([{ content: "x", usage: { promptTokens: 3, completionTokens: 2 } }]);
    const result = await client.chat(hello);
    expect(result.raw).toMatchObject({ object: "chat.completion", choices: [{ index: 0, logprobs: null }], usage: { total_tokens: 5 } });
  });

  it("sends many requests over few connections, and survives the server closing an idle one", async () => {
    const { createServer } = await import("node:http");
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const body = JSON.stringify({ choices: [{ message: { content: "ok" }, finish_reason: "stop" }] });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    const retries: RetryInfo[] = [];
    const client = createLlmClient({ baseUrl: `http://127.0.0.1:${port}/v1/`, model: "m", timeoutMs: 2_000, maxRetries: 0 }, { onRetry: (r) => retries.push(r) });
    try {
      for (let i = 0; i < 20; i++) expect((await client.chat(hello)).message.content).toBe("ok");
      expect(connections).toBe(1);
      // The server drops its idle keep-alive sockets; the next call still succeeds on its first attempt.
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 20));
      const after = await client.chat(hello);
      expect(after.attempts).toBe(1);
      expect(retries).toEqual([]);
      expect(connections).toBe(2);
    } finally {
      client.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("reports a non-JSON error page with its status and text", async () => {
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    const client = createLlmClient({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "m", timeoutMs: 2_000, maxRetries: 0 });
    try {
      const error = await llmErrorOf(client.chat(hello));
      expect(error.kind).toBe("server_error");
      expect(error.status).toBe(502);
      expect(error.message).toContain("bad gateway");
    } finally {
      client.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("requestJson", () => {
  const messages = [
    { role: "system" as const, content: "be brief" },
    { role: "user" as const, content: 'quote " and \u2028 and ünïcode' },
    { role: "assistant" as const, content: null, tool_calls: [{ id: "c1", type: "function" as const, function: { name: "ls", arguments: '{"a": 1}' } }] },
    { role: "tool" as const, tool_call_id: "c1", content: "x" },
  ];
  const tools = [{ type: "function" as const, function: { name: "ls", description: "list", parameters: { type: "object", properties: {} } } }];

  it("sends the same body whether the caller hands messages and tools over serialised or not", () => {
    const plain = JSON.parse(requestJson("m", { messages, tools, temperature: 0.7, seed: 3, maxTokens: 16 }));
    const prepared = JSON.parse(requestJson("m", { messages, tools, temperature: 0.7, seed: 3, maxTokens: 16, messagesJson: JSON.stringify(messages), toolsJson: JSON.stringify(tools) }));
    expect(prepared).toEqual(plain);
    expect(plain).toEqual({ model: "m", messages, tools, temperature: 0.7, seed: 3, max_tokens: 16, stream: false });
    // No tools: no tools key (some servers reject an empty list).
    expect(JSON.parse(requestJson("m", { messages, tools: [], toolsJson: "[]" }))).toEqual({ model: "m", messages, stream: false });
  });
});
