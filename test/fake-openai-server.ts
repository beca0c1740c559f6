// A small OpenAI-compatible server for tests: real HTTP on 127.0.0.1 (OS-assigned port), the real wire format of
// POST /v1/chat/completions (non-streaming) and GET /v1/models, with scripted replies including failures.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A chat completion the model "returns". Tool call arguments are raw text, so tests can send broken JSON. */
export interface FakeReply {
  content?: string | null;
  toolCalls?: { name: string; arguments: string; id?: string }[];
  finishReason?: string;
  usage?: { promptTokens: number; completionTokens: number };
  /** sent as `choices[0].logprobs.content` (OpenAI) */
  logprobs?: { token: string; logprob: number }[];
  /** sent as `choices[0].token_ids` (vLLM's return_token_ids) */
  tokenIds?: number[];
}

export type FakeStep =
  | FakeReply
  /** an HTTP error with OpenAI's error body; 429 may carry Retry-After (seconds) or retry-after-ms */
  | { status: number; retryAfterSeconds?: number; retryAfterMs?: number; message?: string; code?: string }
  /** wait before answering (clients time out); then answer with `then` or a plain reply */
  | { hangMs: number; then?: FakeReply }
  | { malformed: "not-json-body" | "no-choices" };

/** The parsed body of a chat completion request. */
export interface FakeChatRequest {
  model: string;
  messages: Array<{ role: string; content?: string | null; tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  [key: string]: unknown;
}

export type FakeScript = FakeStep[] | ((request: FakeChatRequest, index: number) => FakeStep | Promise<FakeStep>);

export interface FakeOpenAI {
  /** base URL ending in /v1 */
  url: string;
  /** parsed bodies of every chat completion request, in arrival order */
  requests: FakeChatRequest[];
  /** headers of those requests, same order */
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

const DEFAULT_USAGE = { promptTokens: 11, completionTokens: 7 };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, code: string | null = null, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type: status === 429 ? "rate_limit_error" : "server_error", param: null, code } }, headers);
}

export async function startFakeOpenAI({ script, models = ["fake-model"] }: { script: FakeScript; models?: string[] }): Promise<FakeOpenAI> {
  const requests: FakeChatRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let completionCount = 0;

  async function nextStep(request: FakeChatRequest, index: number): Promise<FakeStep | undefined> {
    if (typeof script === "function") return script(request, index);
    return script.shift();
  }

  function sendReply(res: ServerResponse, model: string, reply: FakeReply): void {
    const n = ++completionCount;
    const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `call_${n}_${i}`,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
    const usage = reply.usage ?? DEFAULT_USAGE;
    sendJson(res, 200, {
      id: `chatcmpl-fake-${n}`,
      object: "chat.completion",
      created: 1_700_000_000 + n,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: reply.content ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
          logprobs: reply.logprobs ? { content: reply.logprobs.map((l) => ({ ...l, bytes: null, top_logprobs: [] })) } : null,
          ...(reply.tokenIds ? { token_ids: reply.tokenIds } : {}),
          finish_reason: reply.finishReason ?? (toolCalls.length ? "tool_calls" : "stop"),
        },
      ],
      usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens },
    });
  }

  async function answer(res: ServerResponse, request: FakeChatRequest, step: FakeStep | undefined): Promise<void> {
    if (step === undefined) return sendError(res, 500, "fake-openai: the script has no reply left for this request");
    if ("status" in step) {
      const extra: Record<string, string> = {};
      if (step.retryAfterSeconds !== undefined) extra["retry-after"] = String(step.retryAfterSeconds);
      if (step.retryAfterMs !== undefined) extra["retry-after-ms"] = String(step.retryAfterMs);
      return sendError(res, step.status, step.message ?? `fake-openai: scripted status ${step.status}`, step.code ?? null, extra);
    }
    if ("hangMs" in step) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, step.hangMs);
        timers.add(t);
      });
      return sendReply(res, request.model, step.then ?? { content: "a late answer" });
    }
    if ("malformed" in step) {
      if (step.malformed === "not-json-body") {
        // Claims JSON but is not: what a misbehaving proxy sends.
        res.writeHead(200, { "content-type": "application/json" });
        res.end("<html>upstream error</html>");
        return;
      }
      return sendJson(res, 200, { id: "chatcmpl-fake-broken", object: "chat.completion", created: 1_700_000_000, model: request.model });
    }
    return sendReply(res, request.model, step);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "GET" && path === "/v1/models") {
        sendJson(res, 200, { object: "list", data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })) });
        return;
      }
      if (req.method !== "POST" || path !== "/v1/chat/completions") {
        sendError(res, 404, `fake-openai: no route ${req.method} ${path}`, "not_found");
        return;
      }
      let request: FakeChatRequest;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeChatRequest;
      } catch {
        sendError(res, 400, "fake-openai: request body is not JSON", "invalid_request");
        return;
      }
      const index = requests.length;
      requests.push(request);
      headers.push(req.headers);
      nextStep(request, index)
        .then((step) => answer(res, request, step))
        .catch((error: unknown) => sendError(res, 500, `fake-openai: script threw: ${String(error)}`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
