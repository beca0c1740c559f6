// The one module that talks to OpenAI-compatible servers (vLLM, SGLang, Ollama, hosted APIs); nothing else imports
// `openai`. It owns timeouts, retries with backoff (honouring Retry-After) and the error classification that callers
// branch on. Imported by server/policies and server/synthesis; imports nothing of ours but shared types.
// Requests go over our own keep-alive transport (./http.ts); `openai` lends its wire types only.
import type OpenAI from "openai";
import { z } from "zod";
import type { OpenAITool } from "../envs/types";
import type { ChatMessage } from "../policies/types";
import { parseEnv } from "../env";
import { keyEnvProblem, parseKeyEnvAllowlist, sanitiseUpstreamMessage } from "../rods/endpoint";
import { createJsonTransport, TransportAbortError, TransportError, type HttpReply } from "./http";

export interface LlmEndpoint {
  baseUrl: string;
  model: string;
  /** name of the environment variable holding the API key; none = a placeholder (local servers accept anything) */
  apiKeyEnv?: string;
  /** per attempt, including reading the body */
  timeoutMs: number;
  /** retries after the first attempt */
  maxRetries: number;
}

export const LLM_ERROR_KINDS = [
  "rate_limited",
  "server_error",
  "timeout",
  "network",
  "bad_request",
  "auth",
  "not_found",
  "malformed_response",
  "aborted",
] as const;
export type LlmErrorKind = (typeof LLM_ERROR_KINDS)[number];

const RETRYABLE_KINDS: ReadonlySet<LlmErrorKind> = new Set(["rate_limited", "server_error", "timeout", "network", "malformed_response"]);

export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status?: number;
  /** the server's error code when it sent one (e.g. "context_length_exceeded") */
  readonly code?: string;
  readonly isRetryable: boolean;
  /** attempts made before giving up (0 when aborted before the first) */
  attempts: number;
  /** server-requested wait, already parsed and capped (ms) */
  readonly retryAfterMs?: number;

  constructor(kind: LlmErrorKind, message: string, extra: { status?: number; code?: string; attempts?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = "LlmError";
    this.kind = kind;
    this.status = extra.status;
    this.code = extra.code;
    this.isRetryable = RETRYABLE_KINDS.has(kind);
    this.attempts = extra.attempts ?? 0;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

export interface ChatParams {
  messages: ChatMessage[];
  tools?: OpenAITool[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  responseFormat?: { type: "json_schema"; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  seed?: number;
  /** ask for the sampled tokens' log-probabilities */
  logprobs?: boolean;
  signal?: AbortSignal;
  /**
   * `messages` and `tools` as JSON text, when the caller keeps them serialised: a conversation resends its whole
   * history and the same tool list with every request, and serialising them again each time was most of this
   * client's CPU per request. They must be exactly JSON.stringify of `messages` and `tools`.
   */
  messagesJson?: string;
  toolsJson?: string;
}

export interface ChatToolCall {
  id: string;
  name: string;
  /** raw JSON text as the model wrote it; callers parse and validate */
  arguments: string;
}

export interface ChatResult {
  message: { content: string | null; toolCalls: ChatToolCall[] };
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number };
  /** wall time of the whole call, retries and waits included */
  latencyMs: number;
  attempts: number;
  /** the chat-completion object exactly as the server sent it (logprobs, token ids and other extras live here) */
  raw?: Record<string, unknown>;
}

export interface RetryInfo {
  /** the attempt that failed, 1-based */
  attempt: number;
  kind: LlmErrorKind;
  status?: number;
  delayMs: number;
  message: string;
}

export interface LlmClientOptions {
  /** waits between attempts; tests inject one that records instead of waiting */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: RetryInfo) => void;
}

export interface LlmClient {
  chat(params: ChatParams): Promise<ChatResult>;
  /** model ids the server lists; one attempt, no retries (it backs the UI's connection test) */
  listModels(options?: { signal?: AbortSignal }): Promise<string[]>;
  /** closes idle kept-alive sockets (the process also exits with them open) */
  close?(): void;
}

const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** a server asking for a longer wait than this is waited for this long, then tried again */
export const MAX_RETRY_AFTER_MS = 60_000;
/** malformed responses are retried at most this often: a server that keeps sending garbage will not improve */
const MAX_MALFORMED_RETRIES = 1;

// Lenient where real servers differ (missing ids, arguments sent as objects), strict where we cannot go on.
const ZToolCall = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({
    name: z.string().min(1),
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  }),
});

const ZCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(ZToolCall).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() })
    .nullish(),
});

const ZModelList = z.object({ data: z.array(z.object({ id: z.string() })) });

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when `promise` does, rejects at once when `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function abortedError(): LlmError {
  return new LlmError("aborted", "the request was aborted by the caller");
}

/** Server-requested wait from retry-after-ms or Retry-After (seconds or an HTTP date), capped; undefined if none. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  let ms: number | undefined;
  const msHeader = headers.get("retry-after-ms");
  if (msHeader !== null && msHeader.trim() !== "" && Number.isFinite(Number(msHeader))) ms = Number(msHeader);
  const header = headers.get("retry-after");
  if (ms === undefined && header !== null && header.trim() !== "") {
    if (Number.isFinite(Number(header))) ms = Number(header) * 1000;
    else {
      const at = Date.parse(header);
      if (Number.isFinite(at)) ms = at - now;
    }
  }
  if (ms === undefined) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** Exponential backoff with jitter (75-100 % of the step), for attempt n = 1, 2, ... that failed. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return Math.round(step * (1 - 0.25 * random()));
}

function kindOfStatus(status: number): LlmErrorKind {
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "server_error";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  return "bad_request";
}

/** Maps whatever one attempt threw to an LlmError. `timedOut` says our own per-attempt timer fired. */
function classify(error: unknown, context: { timedOut: boolean; callerSignal?: AbortSignal; timeoutMs: number; baseUrl: string }): LlmError {
  if (error instanceof LlmError) return error;
  if (context.callerSignal?.aborted) return abortedError();
  if (context.timedOut) return new LlmError("timeout", `no complete response within ${context.timeoutMs} ms`, { cause: error });
  if (error instanceof TransportAbortError) return abortedError();
  if (error instanceof TransportError) {
    return new LlmError("network", sanitiseUpstreamMessage(`cannot reach ${context.baseUrl}: ${error.message}${error.code && !error.message.includes(error.code) ? ` (${error.code})` : ""}`), { cause: error });
  }
  const message = sanitiseUpstreamMessage(error instanceof Error ? error.message : String(error));
  return new LlmError("network", message, { cause: error });
}

function headerGetter(headers: HttpReply["headers"]): { get(name: string): string | null } {
  return {
    get: (name) => {
      const v = headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

/** Turns one HTTP reply into its JSON body, or throws the LlmError its status or body calls for. */
function bodyOfReply(reply: HttpReply): unknown {
  if (reply.status < 200 || reply.status >= 300) {
    let message = `${reply.status} status code${reply.text ? "" : " (no body)"}`;
    let code: string | undefined;
    try {
      const parsed = JSON.parse(reply.text) as { error?: { message?: unknown; code?: unknown } | string; message?: unknown };
      const err = parsed?.error;
      if (typeof err === "string" && err !== "") message = err;
      else if (err && typeof err === "object") {
        if (typeof err.message === "string" && err.message !== "") message = err.message;
        if (typeof err.code === "string") code = err.code;
      } else if (typeof parsed?.message === "string" && parsed.message !== "") message = parsed.message;
    } catch {
      if (reply.text.trim() !== "") message = `${reply.status}: ${reply.text.slice(0, 200)}`;
    }
    // Upstream bodies are untrusted (an HTML page, an echo of our headers): shown only as one short clean line.
    throw new LlmError(kindOfStatus(reply.status), sanitiseUpstreamMessage(message), { status: reply.status, code, retryAfterMs: parseRetryAfter(headerGetter(reply.headers)) });
  }
  try {
    return JSON.parse(reply.text) as unknown;
  } catch (e) {
    const type = String(reply.headers["content-type"] ?? "");
    // A 2xx body that claims to be JSON but is not (a misbehaving proxy); other content types are shown as text.
    if (type.includes("json")) throw new LlmError("malformed_response", sanitiseUpstreamMessage(`response body is not valid JSON: ${(e as Error).message}`), { cause: e });
    return reply.text;
  }
}

function parseCompletion(body: unknown): Omit<ChatResult, "latencyMs" | "attempts"> {
  if (typeof body !== "object" || body === null) {
    const preview = typeof body === "string" ? `: ${sanitiseUpstreamMessage(body.slice(0, 120))}` : "";
    throw new LlmError("malformed_response", `response is not a JSON object${preview}`);
  }
  const parsed = ZCompletion.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LlmError("malformed_response", `unexpected response structure at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const choice = parsed.data.choices[0];
  const toolCalls = (choice.message.tool_calls ?? []).map((call, i) => ({
    id: call.id || `call_${i}`,
    name: call.function.name,
    arguments:
      typeof call.function.arguments === "string" ? call.function.arguments : call.function.arguments ? JSON.stringify(call.function.arguments) : "",
  }));
  return {
    raw: body as Record<string, unknown>,
    message: { content: choice.message.content ?? null, toolCalls },
    finishReason: choice.finish_reason ?? null,
    usage: {
      promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
      completionTokens: parsed.data.usage?.completion_tokens ?? 0,
    },
  };
}

function toRequestBody(model: string, params: ChatParams) {
  return {
    model,
    messages: params.messages as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
    ...(params.tools && params.tools.length > 0 ? { tools: params.tools as OpenAI.Chat.Completions.ChatCompletionTool[] } : {}),
    ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
    ...(params.topP !== undefined ? { top_p: params.topP } : {}),
    // max_tokens rather than max_completion_tokens: every OpenAI-compatible server we target accepts it.
    ...(params.maxTokens !== undefined ? { max_tokens: params.maxTokens } : {}),
    ...(params.responseFormat ? { response_format: params.responseFormat } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(params.logprobs ? { logprobs: true } : {}),
    stream: false as const,
  };
}

/** The request body as JSON text; messages and tools from the caller's serialised copies when it has them. */
export function requestJson(model: string, params: ChatParams): string {
  const { messages: _messages, tools: _tools, ...options } = toRequestBody(model, params);
  const hasTools = params.tools !== undefined && params.tools.length > 0;
  const tools = hasTools ? `,"tools":${params.toolsJson ?? JSON.stringify(params.tools)}` : "";
  return `{"messages":${params.messagesJson ?? JSON.stringify(params.messages)}${tools},${JSON.stringify(options).slice(1)}`;
}

/** The variables an endpoint may take its key from (RODS_ENDPOINT_KEY_ENVS), read now so tests can change it. */
export const allowedKeyEnvs = () => parseKeyEnvAllowlist(parseEnv().RODS_ENDPOINT_KEY_ENVS);

export function createLlmClient(endpoint: LlmEndpoint, options: LlmClientOptions = {}): LlmClient {
  // Checked here too, not only at the edge: a run stored earlier must not send another secret anywhere.
  const keyProblem = keyEnvProblem(endpoint.apiKeyEnv, allowedKeyEnvs());
  if (keyProblem) throw new LlmError("auth", keyProblem);
  const apiKey = (endpoint.apiKeyEnv ? process.env[endpoint.apiKeyEnv] : undefined) || "unused";
  // Only what the endpoint names is sent: no organisation or project headers picked up from the environment.
  const transport = createJsonTransport({ baseUrl: endpoint.baseUrl, headers: { authorization: `Bearer ${apiKey}`, "user-agent": "rods" } });
  const sleep = options.sleep ?? defaultSleep;

  /** One attempt under its own timer, linked to the caller's signal. */
  async function attempt<T>(run: (signal: AbortSignal) => Promise<T>, callerSignal: AbortSignal | undefined): Promise<T> {
    const timer = new AbortController();
    let timedOut = false;
    const handle = setTimeout(() => {
      timedOut = true;
      timer.abort();
    }, endpoint.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timer.signal]) : timer.signal;
    try {
      return await run(signal);
    } catch (error) {
      throw classify(error, { timedOut, callerSignal, timeoutMs: endpoint.timeoutMs, baseUrl: endpoint.baseUrl });
    } finally {
      clearTimeout(handle);
    }
  }

  async function chat(params: ChatParams): Promise<ChatResult> {
    const started = performance.now();
    const json = requestJson(endpoint.model, params);
    let malformedRetries = 0;
    for (let n = 1; ; n++) {
      if (params.signal?.aborted) throw Object.assign(abortedError(), { attempts: n - 1 });
      try {
        const completion = await attempt(
          async (signal) => bodyOfReply(await transport.request({ method: "POST", path: "/chat/completions", json, signal })),
          params.signal,
        );
        return { ...parseCompletion(completion), latencyMs: performance.now() - started, attempts: n };
      } catch (caught) {
        const error =
          caught instanceof LlmError
            ? caught
            : classify(caught, { timedOut: false, callerSignal: params.signal, timeoutMs: endpoint.timeoutMs, baseUrl: endpoint.baseUrl });
        error.attempts = n;
        const canRetry =
          error.isRetryable && n <= endpoint.maxRetries && (error.kind !== "malformed_response" || malformedRetries < MAX_MALFORMED_RETRIES);
        if (!canRetry) {
          if (error.isRetryable && error.kind !== "aborted") {
            throw new LlmError(error.kind, `${error.message} (gave up after ${n} attempt${n === 1 ? "" : "s"})`, {
              status: error.status,
              code: error.code,
              attempts: n,
              cause: error.cause,
            });
          }
          throw error;
        }
        if (error.kind === "malformed_response") malformedRetries++;
        const delayMs = error.retryAfterMs ?? backoffMs(n);
        options.onRetry?.({ attempt: n, kind: error.kind, status: error.status, delayMs, message: error.message });
        try {
          await abortable(sleep(delayMs), params.signal);
        } catch (e) {
          if (e instanceof LlmError) e.attempts = n;
          throw e;
        }
      }
    }
  }

  async function listModels(listOptions: { signal?: AbortSignal } = {}): Promise<string[]> {
    const body = await attempt(async (signal) => bodyOfReply(await transport.request({ method: "GET", path: "/models", signal })), listOptions.signal).catch(
      (e: unknown) => {
        if (e instanceof LlmError) e.attempts = 1;
        throw e;
      },
    );
    const parsed = ZModelList.safeParse(body);
    if (!parsed.success) throw new LlmError("malformed_response", "GET /models did not return {data: [{id}]}", { attempts: 1 });
    return parsed.data.data.map((m) => m.id);
  }

  return { chat, listModels, close: () => transport.close() };
}
