// Tests of test/fake-openai-server.ts (kept here because the unit project only collects server/**): its wire format
// seen through plain fetch, without our client or the SDK, so the client tests rest on a server that speaks the protocol.
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI, type FakeScript } from "../../test/fake-openai-server";

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(script: FakeScript, models?: string[]) {
  const server = await startFakeOpenAI({ script, models });
  servers.push(server);
  return server;
}

function post(server: FakeOpenAI, body: unknown) {
  return fetch(`${server.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k" },
    body: JSON.stringify(body),
  });
}

const request = { model: "m1", messages: [{ role: "user", content: "hi" }] };

describe("startFakeOpenAI", () => {
  it("listens on 127.0.0.1 with a base URL ending in /v1", async () => {
    const server = await start([]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it("answers a chat completion in OpenAI's non-streaming format and records the parsed request", async () => {
    const server = await start([{ content: null, toolCalls: [{ name: "ls", arguments: '{"a":' }] }]);
    const res = await post(server, request);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: expect.any(String),
      object: "chat.completion",
      created: expect.any(Number),
      model: "m1",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, tool_calls: [{ id: expect.any(String), type: "function", function: { name: "ls", arguments: '{"a":' } }] },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    });
    expect(server.requests).toEqual([request]);
    expect(server.headers[0].authorization).toBe("Bearer k");
  });

  it("passes each request and its index to a script function", async () => {
    const seen: number[] = [];
    const server = await start((req, i) => {
      seen.push(i);
      return { content: `echo ${req.messages[0].content} ${i}` };
    });
    await post(server, request);
    const second = (await (await post(server, request)).json()) as { choices: { message: { content: string }; finish_reason: string }[] };
    expect(seen).toEqual([0, 1]);
    expect(second.choices[0]).toMatchObject({ message: { content: "echo hi 1" }, finish_reason: "stop" });
  });

  it("sends scripted errors with OpenAI's error body and retry headers", async () => {
    const server = await start([{ status: 429, retryAfterSeconds: 2, retryAfterMs: 1500 }, { status: 503 }]);
    const limited = await post(server, request);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("retry-after-ms")).toBe("1500");
    expect(((await limited.json()) as { error: { message: string } }).error.message).toEqual(expect.any(String));
    expect((await post(server, request)).status).toBe(503);
  });

  it("sends the two malformed shapes", async () => {
    const server = await start([{ malformed: "not-json-body" }, { malformed: "no-choices" }]);
    const notJson = await post(server, request);
    expect(notJson.headers.get("content-type")).toContain("application/json");
    await expect(notJson.json()).rejects.toThrow();
    const noChoices = (await (await post(server, request)).json()) as Record<string, unknown>;
    expect(noChoices.object).toBe("chat.completion");
    expect(noChoices.choices).toBeUndefined();
  });

  it("answers 500 once the script queue is used up, and lists its models", async () => {
    const server = await start([], ["a", "b"]);
    expect((await post(server, request)).status).toBe(500);
    const models = (await (await fetch(`${server.url}/models`)).json()) as { object: string; data: { id: string; object: string }[] };
    expect(models.object).toBe("list");
    expect(models.data.map((m) => m.id)).toEqual(["a", "b"]);
    expect(models.data[0].object).toBe("model");
  });

  it("closes promptly even while a hanging request is pending", async () => {
    const server = await start([{ hangMs: 60_000 }]);
    const pending = post(server, request).catch((e: unknown) => e);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
