// The OpenAI-compatible policy: BFCL's multi-turn inference protocol (DESIGN.md §5) against any chat-completions
// server, executing the model's tool calls in a real BFCL environment. Imports server/llm and server/envs only.
//
// Protocol, per user turn t:
// - append the turn's user messages; an empty turn that releases held-back tools (miss_func) gets
//   MISS_FUNC_USER_MESSAGE instead, and the tools offered are toolsForTurn(task, t);
// - up to maxStepsPerTurn model steps; each step's tool calls run in order and each result becomes a tool message;
//   the turn ends when the model answers without a call;
// - a turn that uses up its steps ends the rollout, as BFCL's force-quit does: later turns count as not reached.
// Bad tool calls never end a rollout: arguments that are not JSON or not a JSON object get an error result and are
// not executed (so not in modelCalls); any parsed call is executed by the environment, which answers unknown names,
// unexpected and missing arguments with BFCL's error results, and is recorded in modelCalls, because the verifier
// replays exactly those calls and their results count in its exec check. Held-back tools are not offered early, but
// a call to one still executes, as in BFCL, so that trajectory and verifier agree.
// Infrastructure failures (retries exhausted, auth, unknown model, rejected request) return with `infraError`;
// a request rejected for exceeding the model's context ends the rollout like the step limit (a policy failure,
// scored); an abort by the caller throws LlmError("aborted").
import { createBfclEnvironment, errorResult, toolsForTurn, type BfclEnvironment } from "../../envs/bfcl/bfcl-env";
import type { CallResult, OpenAITool, ToolCall } from "../../envs/types";
import { createLlmClient, LlmError, type ChatToolCall, type LlmClient } from "../../llm/client";
import type { TPolicyConfig } from "../../rods/config";
import type { ChatMessage, Policy, RolloutOptions, RolloutResult, RolloutTask } from "../types";
import { Semaphore } from "./semaphore";
import { tokenInfoOf, type TokenInfo } from "./token-info";

export type TOpenAIPolicyConfig = Extract<TPolicyConfig, { kind: "openai" }>;

/** BFCL's user message for a turn whose only news is newly released tools. */
export const MISS_FUNC_USER_MESSAGE = "I have updated some more functions you can choose from. What about now?";

/**
 * Short on purpose: BFCL's function-calling mode sends no system prompt, and the task's skills (when to act, when to
 * ask) should come from the policy, not from us. Pass `systemPrompt: null` for none at all.
 */
export const DEFAULT_SYSTEM_PROMPT =
  "You are an assistant that completes the user's requests by calling the provided functions. " +
  "If a request cannot be completed with the available functions or lacks required information, say so instead of calling a function.";

export type StopReason = "completed" | "step_limit" | "context_overflow" | "infra_error";

/** What the policy records beside the trajectory (stored as the rollout's `behaviour`). */
export interface OpenAIBehaviour {
  stopReason: StopReason;
  /** chat completions that returned a result */
  llmCalls: number;
  /** HTTP attempts over all of them, retries included */
  attempts: number;
  /** per assistant message, the tokens, log-probabilities and token ids the server returned (when it did) */
  tokens?: TokenInfo[];
}

export interface OpenAIPolicyOptions {
  /** a prepared client (tests inject one with a recording sleep); default: built from the config */
  client?: LlmClient;
  /** default DEFAULT_SYSTEM_PROMPT; null = no system message */
  systemPrompt?: string | null;
  /** the limit on conversations in flight, when several policies share one server's allowance (default: own) */
  semaphore?: Semaphore;
}

const CONTEXT_OVERFLOW = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|max_tokens.*(exceed|too large)/i;

/** A 400 saying the conversation no longer fits the model: the policy's doing, not the infrastructure's. */
export function isContextOverflow(error: LlmError): boolean {
  return error.kind === "bad_request" && (error.code === "context_length_exceeded" || CONTEXT_OVERFLOW.test(error.message));
}

/** Executes one tool call as the model wrote it. `call` is set when it was executed (arguments parsed). */
export function executeToolCall(env: BfclEnvironment, toolCall: ChatToolCall): { result: CallResult; call?: ToolCall } {
  const text = toolCall.arguments.trim();
  let parsed: unknown;
  if (text === "") parsed = {};
  else {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { result: errorResult(`arguments of ${toolCall.name} are not valid JSON (${(error as Error).message}): ${clip(text)}`) };
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    const kind = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
    return { result: errorResult(`arguments of ${toolCall.name} must be a JSON object of parameter names to values, got ${kind}`) };
  }
  const call: ToolCall = { name: toolCall.name, args: parsed as Record<string, unknown> };
  return { result: env.execute(call), call };
}

// A turn's tool list as JSON, kept per list (the K rollouts of a task, and every step of a turn, send the same one;
// tools are most of a request's bytes). Tool objects come from bfcl-env's per-class cache and never change.
const toolsJsonCache = new Map<string, string>();
const TOOLS_JSON_CACHE_SIZE = 512;
function toolsJsonOf(involvedClasses: readonly string[], tools: readonly OpenAITool[]): string {
  const key = `${involvedClasses.join(",")}|${tools.map((t) => t.function.name).join(",")}`;
  let json = toolsJsonCache.get(key);
  if (json === undefined) {
    json = JSON.stringify(tools);
    toolsJsonCache.set(key, json);
    if (toolsJsonCache.size > TOOLS_JSON_CACHE_SIZE) toolsJsonCache.delete(toolsJsonCache.keys().next().value!);
  }
  return json;
}

function clip(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export class OpenAIPolicy implements Policy {
  private readonly client: LlmClient;
  private readonly semaphore: Semaphore;
  private readonly systemPrompt: string | null;

  constructor(
    private readonly config: TOpenAIPolicyConfig,
    options: OpenAIPolicyOptions = {},
  ) {
    this.client =
      options.client ??
      createLlmClient({
        baseUrl: config.baseUrl,
        model: config.model,
        apiKeyEnv: config.apiKeyEnv,
        timeoutMs: config.timeoutMs,
        maxRetries: config.maxRetries,
      });
    // Shared by every rollout of this instance: at most `concurrency` conversations (so requests) in flight.
    this.semaphore = options.semaphore ?? new Semaphore(config.concurrency);
    this.systemPrompt = options.systemPrompt === undefined ? DEFAULT_SYSTEM_PROMPT : options.systemPrompt;
  }

  async rollout(task: RolloutTask, options: RolloutOptions): Promise<RolloutResult> {
    let release: () => void;
    try {
      release = await this.semaphore.acquire(options.signal);
    } catch {
      throw new LlmError("aborted", "the rollout was aborted while waiting for a free slot");
    }
    try {
      return await this.run(task, options);
    } finally {
      release();
    }
  }

  private async run(task: RolloutTask, options: RolloutOptions): Promise<RolloutResult> {
    // Latency counts from here: waiting for a slot is this worker's queueing, not the rollout's.
    const started = performance.now();
    const env = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
    const missEntry = { involvedClasses: task.involvedClasses, missedFunction: task.missedFunctions };
    const messages: ChatMessage[] = [];
    // Each message serialised once, when it is added: every request resends the whole conversation.
    const messagesJson: string[] = [];
    const say = (message: ChatMessage) => {
      messages.push(message);
      messagesJson.push(JSON.stringify(message));
    };
    if (this.systemPrompt) say({ role: "system", content: this.systemPrompt });
    const modelCalls: ToolCall[][] = [];
    const behaviour: OpenAIBehaviour = { stopReason: "completed", llmCalls: 0, attempts: 0 };
    let tokensIn = 0;
    let tokensOut = 0;
    const finish = (infraError?: string): RolloutResult => ({
      messages,
      modelCalls,
      tokensIn,
      tokensOut,
      latencyMs: performance.now() - started,
      behaviour,
      ...(infraError === undefined ? {} : { infraError }),
    });

    for (let t = 0; t < task.turns.length; t++) {
      const userMessages = task.turns[t];
      const isRelease = (task.missedFunctions[String(t)]?.length ?? 0) > 0;
      if (userMessages.length === 0 && isRelease) say({ role: "user", content: MISS_FUNC_USER_MESSAGE });
      else for (const m of userMessages) say({ role: "user", content: m.content });
      const tools = toolsForTurn(missEntry, t);
      const toolsJson = toolsJsonOf(task.involvedClasses, tools);
      const turnCalls: ToolCall[] = [];
      modelCalls.push(turnCalls);

      let isAnswered = false;
      for (let step = 0; step < this.config.maxStepsPerTurn; step++) {
        let reply;
        try {
          reply = await this.client.chat({
            messages: [...messages],
            tools,
            messagesJson: `[${messagesJson.join(",")}]`,
            toolsJson,
            temperature: options.isGreedy ? 0 : this.config.temperature,
            topP: this.config.topP,
            maxTokens: this.config.maxTokens,
            seed: options.seed,
            logprobs: this.config.logprobs,
            signal: options.signal,
          });
        } catch (error) {
          if (!(error instanceof LlmError) || error.kind === "aborted") throw error;
          behaviour.attempts += error.attempts;
          if (isContextOverflow(error)) {
            behaviour.stopReason = "context_overflow";
            return finish();
          }
          behaviour.stopReason = "infra_error";
          return finish(`${error.kind}${error.status ? ` (HTTP ${error.status})` : ""}: ${error.message}`);
        }
        behaviour.llmCalls++;
        behaviour.attempts += reply.attempts;
        tokensIn += reply.usage.promptTokens;
        tokensOut += reply.usage.completionTokens;
        const { content, toolCalls } = reply.message;
        const tokenInfo = tokenInfoOf(reply.raw, messages.length);
        if (tokenInfo) (behaviour.tokens ??= []).push(tokenInfo);
        if (toolCalls.length === 0) {
          say({ role: "assistant", content });
          isAnswered = true;
          break;
        }
        say({
          role: "assistant",
          content,
          tool_calls: toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })),
        });
        for (const toolCall of toolCalls) {
          const { result, call } = executeToolCall(env, toolCall);
          if (call) turnCalls.push(call);
          say({ role: "tool", tool_call_id: toolCall.id, content: result.output });
        }
      }
      if (!isAnswered) {
        behaviour.stopReason = "step_limit";
        return finish();
      }
    }
    return finish();
  }
}
