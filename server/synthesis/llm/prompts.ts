// The three prompts of the llm synthesizer (plan, rewrite, judge), each with the zod schema its reply must match
// and the JSON schema sent as the response format. The data of each prompt is one JSON document in the user
// message, so replies (and test scripts) can rely on its shape.
import { z } from "zod";
import { funcDocs } from "../../envs/bfcl/data";
import type { ChatMessage } from "../../policies/types";
import type { ExecutedCall, SeedLayout } from "../pipeline/model";

export const ZPlanReply = z.object({
  turns: z.array(
    z.object({
      /** the user's request for this turn, one sentence (kept as the task's text by the no_rewrite ablation) */
      query: z.string().max(2000).optional(),
      calls: z.array(z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })),
    }),
  ),
});
export const ZRewriteReply = z.object({ turns: z.array(z.string()) });
export const ZJudgeReply = z.object({
  verdict: z.enum(["accept", "reject"]),
  score: z.number().min(0).max(1).optional(),
  reasons: z.array(z.string()).default([]),
});

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

const PLAN_SYSTEM = `You design tasks for training tool-using assistants. Given the structure of an existing task and the tools of its API
classes, propose a NEW sequence of tool calls with the same structure: exactly the given number of turns, in each turn calls of
exactly the listed API classes (every listed class at least once, no other class), about the given number of calls per turn, and
later calls that reuse values returned by earlier calls where the structure asks for dependencies. Use only the listed tools and
their parameter names; argument values must fit the initial state (existing files, users, ids, symbols...). Strings at most 200
characters, lists at most 5 items. Do not copy the original calls. For each turn also write "query": the user's request for that turn in one plain sentence, without tool or parameter names.
Reply with JSON only: {"turns": [{"query": ..., "calls": [{"name": ..., "arguments": {...}}]}]}.`;

const REWRITE_SYSTEM = `You write the user side of a multi-turn conversation with a tool-using assistant. For each turn you get the tool calls the
assistant should make and what they returned. Write one user message per turn, all together as one coherent conversation with a
shared goal and references across turns ("then", "with the result from before"). Each message must state every argument value its
calls need, unless an earlier result or an earlier message already gives it. Never mention function names, parameter names or
snake_case identifiers; speak as a user would. Reply with JSON only: {"turns": ["message for turn 1", ...]} with one message per turn.`;

const JUDGE_SYSTEM = `You review a synthesized training task for a tool-using assistant: user messages per turn and the tool calls that answer them.
Accept it when every message is natural, the conversation is coherent, each message gives the values its calls need (or they come
from earlier results), and the calls do what the messages ask. Reply with JSON only: {"verdict": "accept" | "reject", "score": 0..1,
"reasons": ["..."]}.`;

function toolCatalogue(classes: readonly string[]) {
  const out: Record<string, { name: string; description: string; parameters: Record<string, string>; required: string[] }[]> = {};
  for (const cls of classes) {
    out[cls] = funcDocs(cls).map((d) => ({
      name: d.name,
      description: (d.description.split("Tool description: ")[1] ?? d.description).slice(0, 200),
      parameters: Object.fromEntries(Object.entries(d.parameters.properties ?? {}).map(([k, v]) => [k, String(v.type ?? "any")])),
      required: d.parameters.required ?? [],
    }));
  }
  return out;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function planMessages(input: {
  layout: SeedLayout;
  involvedClasses: readonly string[];
  initialConfig: unknown;
  feedback?: string[];
}): ChatMessage[] {
  const acts = input.layout.turns.filter((t) => t.role === "act");
  const data = {
    task: "plan",
    turns: acts.map((t) => ({ classes: [...new Set(t.callClasses)], calls: t.callClasses.length })),
    dependencyDepth: input.layout.dependencyDepth,
    originalCalls: acts.map((t) => t.seedNames),
    tools: toolCatalogue(input.involvedClasses),
    initialState: clip(JSON.stringify(input.initialConfig), 6000),
    ...(input.feedback?.length ? { previousProblems: input.feedback } : {}),
  };
  return [
    { role: "system", content: PLAN_SYSTEM },
    { role: "user", content: JSON.stringify(data) },
  ];
}

const callView = (c: ExecutedCall) => ({ name: c.name, arguments: c.args, result: clip(c.result, 400) });

export function rewriteMessages(input: { turns: readonly (readonly ExecutedCall[])[]; feedback?: string[] }): ChatMessage[] {
  const data = {
    task: "rewrite",
    turns: input.turns.map((calls) => ({ calls: calls.map(callView) })),
    ...(input.feedback?.length ? { previousProblems: input.feedback } : {}),
  };
  return [
    { role: "system", content: REWRITE_SYSTEM },
    { role: "user", content: JSON.stringify(data) },
  ];
}

export function judgeMessages(input: { turns: readonly { text: string; calls: readonly ExecutedCall[] }[] }): ChatMessage[] {
  const data = { task: "judge", turns: input.turns.map((t) => ({ user: t.text, calls: t.calls.map(callView) })) };
  return [
    { role: "system", content: JUDGE_SYSTEM },
    { role: "user", content: JSON.stringify(data) },
  ];
}
