// One task played call by call from outside (environment sessions, MCP, trainer-submitted rollouts): what the
// caller sees at a turn, how one call is executed, and the trajectory and verdict of the calls made. The rules are
// those of the OpenAI policy (server/policies/openai/agent.ts), so a trainer's rollout scores as ours would.
import { createBfclEnvironment, toolsForTurn, type BfclEnvironment } from "../envs/bfcl/bfcl-env";
import { verifyTrajectory, type Verification } from "../envs/bfcl/verifier";
import type { OpenAITool, ToolCall } from "../envs/types";
import { executeToolCall, MISS_FUNC_USER_MESSAGE } from "../policies/openai/agent";
import type { ChatMessage, RolloutTask } from "../policies/types";
import { preparedGroundTruthOf } from "./ground-truth-cache";
import { verifierEntryOf } from "./task-mapping";

/** A call as a caller sends it: arguments as an object, or as the JSON text a model wrote. */
export interface TCallInput {
  name: string;
  arguments: Record<string, unknown> | string;
}

/** A call as stored: `args` null when the arguments were not a JSON object (answered with an error, not executed). */
export interface EpisodeCall {
  name: string;
  args: Record<string, unknown> | null;
  /** the raw arguments text, kept only for calls that were not executed */
  raw?: string;
  output: string;
}

export interface TurnView {
  messages: { role: "user"; content: string }[];
  tools: OpenAITool[];
}

/** The user messages and tools of turn t (0-based); a miss_func release turn gets BFCL's release message. */
export function turnView(task: RolloutTask, t: number): TurnView {
  const userMessages = task.turns[t] ?? [];
  const isRelease = (task.missedFunctions[String(t)]?.length ?? 0) > 0;
  const messages =
    userMessages.length === 0 && isRelease
      ? [{ role: "user" as const, content: MISS_FUNC_USER_MESSAGE }]
      : userMessages.map((m) => ({ role: "user" as const, content: m.content }));
  return { messages, tools: toolsForTurn({ involvedClasses: task.involvedClasses, missedFunction: task.missedFunctions }, t) };
}

export function newEnvironment(task: RolloutTask): BfclEnvironment {
  return createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
}

/** Executes one call; bad arguments and unknown names come back as the environment's error results. */
export function executeCall(env: BfclEnvironment, input: TCallInput): EpisodeCall {
  if (typeof input.arguments === "string") {
    const { result, call } = executeToolCall(env, { id: "", name: input.name, arguments: input.arguments });
    return call ? { name: input.name, args: call.args, output: result.output } : { name: input.name, args: null, raw: input.arguments, output: result.output };
  }
  return { name: input.name, args: input.arguments, output: env.execute({ name: input.name, args: input.arguments }).output };
}

/** Brings a fresh environment to the state after `calls` (only executed calls change anything). */
export function replayCalls(env: BfclEnvironment, calls: readonly (readonly EpisodeCall[])[]): void {
  for (const turn of calls) for (const c of turn) if (c.args !== null) env.execute({ name: c.name, args: c.args });
}

/** The calls the verifier replays, per turn reached. */
export function modelCallsOf(calls: readonly (readonly EpisodeCall[])[]): ToolCall[][] {
  return calls.map((turn) => turn.filter((c) => c.args !== null).map((c) => ({ name: c.name, args: c.args! })));
}

export function verifyEpisode(task: RolloutTask, calls: readonly (readonly EpisodeCall[])[]): Verification {
  return verifyTrajectory({ entry: verifierEntryOf(task), modelCalls: modelCallsOf(calls), prepared: preparedGroundTruthOf(task) });
}

/** The trajectory as OpenAI chat messages: per turn reached, its user messages, then its calls and their results. */
export function episodeMessages(task: RolloutTask, calls: readonly (readonly EpisodeCall[])[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  calls.forEach((turn, t) => {
    messages.push(...turnView(task, t).messages);
    if (turn.length === 0) return;
    const ids = turn.map((_, i) => `call_${t}_${i}`);
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: turn.map((c, i) => ({ id: ids[i]!, type: "function" as const, function: { name: c.name, arguments: c.args !== null ? JSON.stringify(c.args) : (c.raw ?? "") } })),
    });
    turn.forEach((c, i) => messages.push({ role: "tool", tool_call_id: ids[i]!, content: c.output }));
  });
  return messages;
}

/** A whole episode at once (a trainer's submitted rollout): calls per turn, executed in order. */
export function playEpisode(task: RolloutTask, turns: readonly (readonly TCallInput[])[]): { calls: EpisodeCall[][]; verdict: Verification; messages: ChatMessage[] } {
  const env = newEnvironment(task);
  const calls = turns.map((turn) => turn.map((c) => executeCall(env, c)));
  return { calls, verdict: verifyEpisode(task, calls), messages: episodeMessages(task, calls) };
}
