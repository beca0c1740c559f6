// The llm synthesizer (DESIGN.md §5): the same five stages as the procedural one, with the plan, the user turns and
// the judge's verdict written by an OpenAI-compatible model (one prompt per stage, JSON-schema response format,
// every reply validated with zod before use). Execution, patching, gates and augmentation are the shared pipeline.
import type { z } from "zod";
import { toolDoc } from "../../envs/bfcl/tool-docs";
import { canonicalJson } from "../../envs/bfcl/trace-diff";
import { createLlmClient, LlmError, type LlmClient } from "../../llm/client";
import type { ChatMessage, RolloutTask } from "../../policies/types";
import type { TurnTexts } from "../pipeline/augment";
import { limitViolation } from "../pipeline/limits";
import { SynthesisFailure, type PlannedCall, type SeedLayout, type TaskPlan } from "../pipeline/model";
import { runPipeline, type SynthesisBackend, type Verdict } from "../pipeline/run";
import { planTextsProcedurally } from "../procedural/rewrite";
import { heuristicVerdict } from "../pipeline/text-checks";
import type { ModelUsage, SynthesisContext, SynthesisErrorType, SynthesisStage, Synthesizer } from "../types";
import { judgeMessages, jsonSchemaOf, planMessages, rewriteMessages, ZJudgeReply, ZPlanReply, ZRewriteReply } from "./prompts";

export interface LlmSynthesizerConfig {
  baseUrl: string;
  model: string;
  apiKeyEnv?: string;
  timeoutMs: number;
  maxRetries: number;
  temperature: number;
}

/** Idle turns in order: a conversation never asks for the same recap twice (the text gate rejects repeats). */
const IDLE_TEXTS = [
  "Before we go on, just give me a short summary of what has been done so far; no changes for now.",
  "Hold on a moment: don't do anything else yet, just recap where things stand.",
  "Pause there and tell me briefly what we have so far, without changing anything.",
];

interface Ask {
  messages: ChatMessage[];
  schemaName: string;
  schema: z.ZodType;
  stage: SynthesisStage;
  seed: number;
  signal?: AbortSignal;
  onUsage?: (usage: ModelUsage) => void;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function fail(errorType: SynthesisErrorType, message: string, stage: SynthesisStage): never {
  throw new SynthesisFailure(errorType, message, stage);
}

function validatePlan(reply: z.infer<typeof ZPlanReply>, layout: SeedLayout, seed: RolloutTask): TaskPlan {
  const involvedClasses = seed.involvedClasses;
  const acts = layout.turns.filter((t) => t.role === "act");
  if (reply.turns.length !== acts.length) fail("decompose_failed", `the plan has ${reply.turns.length} turns where the seed acts in ${acts.length}`, "plan");
  const involved = new Set(involvedClasses);
  const turns: PlannedCall[][] = layout.turns.map(() => []);
  const queries: (string | undefined)[] = layout.turns.map(() => undefined);
  acts.forEach((turn, i) => {
    const wanted = new Set(turn.callClasses);
    const calls = reply.turns[i].calls;
    queries[turn.index] = reply.turns[i].query;
    if (!calls.length) fail("decompose_failed", `turn ${turn.index + 1} of the plan has no calls`, "plan");
    for (const call of calls) {
      const found = toolDoc(call.name);
      if (!found || !involved.has(found.className)) fail("func_sample_failed", `the plan calls '${call.name}', which is no tool of ${[...involved].join(", ")}`, "plan");
      if (!wanted.has(found.className)) fail("func_sample_failed", `turn ${turn.index + 1} calls '${call.name}' of ${found.className}, a class the seed does not use there`, "plan");
      const props = found.doc.parameters.properties ?? {};
      const unknown = Object.keys(call.arguments).filter((k) => !(k in props));
      if (unknown.length) fail("param_gen_failed", `'${call.name}' has no parameter ${unknown.map((k) => `'${k}'`).join(", ")}`, "plan");
      const missing = (found.doc.parameters.required ?? []).filter((k) => !(k in call.arguments));
      if (missing.length) fail("param_gen_failed", `'${call.name}' misses required ${missing.map((k) => `'${k}'`).join(", ")}`, "plan");
      const bad = limitViolation(call.arguments);
      if (bad) fail("param_gen_failed", `'${call.name}' ${bad}`, "plan");
      turns[turn.index].push({ className: found.className, name: call.name, args: call.arguments });
    }
    const covered = new Set(turns[turn.index].map((c) => c.className));
    const absent = [...wanted].filter((c) => !covered.has(c));
    if (absent.length) fail("decompose_failed", `turn ${turn.index + 1} of the plan leaves out ${absent.join(", ")}`, "plan");
  });
  const key = (calls: readonly { name: string; args?: Record<string, unknown> }[]) => calls.map((c) => `${c.name}:${canonicalJson(c.args ?? {})}`).join("|");
  if (acts.every((t) => key(turns[t.index]) === key(seed.groundTruth[t.index]))) fail("decompose_failed", "the plan repeats the seed's calls", "plan");
  return { turns, queries };
}

export function createLlmSynthesizer(config: LlmSynthesizerConfig, options: { client?: Pick<LlmClient, "chat"> } = {}): Synthesizer {
  const client = options.client ?? createLlmClient(config);

  async function ask<T>({ messages, schemaName, schema, stage, seed, signal, onUsage }: Ask): Promise<Parsed<T>> {
    let content: string | null;
    try {
      const reply = await client.chat({
        messages,
        temperature: config.temperature,
        seed,
        signal,
        responseFormat: { type: "json_schema", json_schema: { name: schemaName, schema: jsonSchemaOf(schema), strict: false } },
      });
      onUsage?.(reply.usage);
      content = reply.message.content;
    } catch (error) {
      if (error instanceof LlmError) fail("pipeline_exception", `llm ${error.kind}${error.status ? ` (${error.status})` : ""} at ${stage}: ${error.message}`, stage);
      throw error;
    }
    if (!content) return { ok: false, problem: "the model replied with no content" };
    let json: unknown;
    try {
      // Some servers wrap JSON in a code fence even with a response format.
      json = JSON.parse(content.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ""));
    } catch {
      return { ok: false, problem: `the reply is not JSON: ${content.slice(0, 120)}` };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, problem: `the reply does not match the schema at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
    }
    return { ok: true, value: parsed.data as T };
  }

  // One backend per attempt, so each reply's usage reaches that attempt's context.
  const backendFor = ({ onModelUsage: onUsage }: SynthesisContext): SynthesisBackend => ({
    planTries: 1,
    async plan({ seed, layout, rngSeed, signal }) {
      const reply = await ask<z.infer<typeof ZPlanReply>>({
        messages: planMessages({ layout, involvedClasses: seed.involvedClasses, initialConfig: seed.initialConfig }),
        schemaName: "plan",
        schema: ZPlanReply,
        stage: "plan",
        seed: rngSeed,
        signal,
        onUsage,
      });
      if (!reply.ok) fail("decompose_failed", reply.problem, "plan");
      return validatePlan(reply.value, layout, seed);
    },
    async rewrite({ layout, execution, rngSeed, feedback, signal }) {
      const acts = layout.turns.filter((t) => t.role === "act");
      const reply = await ask<z.infer<typeof ZRewriteReply>>({
        messages: rewriteMessages({ turns: acts.map((t) => execution.turns[t.index]), feedback }),
        schemaName: "user_turns",
        schema: ZRewriteReply,
        stage: "rewrite",
        seed: rngSeed,
        signal,
        onUsage,
      });
      if (!reply.ok) fail("query_gen_failed", reply.problem, "rewrite");
      if (reply.value.turns.length !== acts.length) fail("query_gen_failed", `the model wrote ${reply.value.turns.length} user turns for ${acts.length}`, "rewrite");
      const empty = reply.value.turns.findIndex((t) => !t.trim());
      if (empty >= 0) fail("query_gen_failed", `user turn ${empty + 1} is empty`, "rewrite");
      const texts = new Map<number, string>();
      acts.forEach((t, i) => texts.set(t.index, reply.value.turns[i].trim()));
      let idle = 0;
      for (const t of layout.turns) if (t.role === "idle") texts.set(t.index, IDLE_TEXTS[idle++ % IDLE_TEXTS.length]!);
      return texts as TurnTexts;
    },
    // no_rewrite: the plan's own per-turn queries (a turn the model left without one gets the phrase-template draft).
    planTexts: (input) => planTextsProcedurally(input),
    async judge({ layout, execution, texts, signal }): Promise<Verdict> {
      const turns = layout.turns
        .filter((t) => t.role === "act" || t.role === "idle")
        .map((t) => ({ text: texts.get(t.index) ?? "", calls: execution.turns[t.index] }));
      const reply = await ask<z.infer<typeof ZJudgeReply>>({
        messages: judgeMessages({ turns }),
        schemaName: "verdict",
        schema: ZJudgeReply,
        stage: "critique",
        seed: 0,
        signal,
        onUsage,
      });
      if (!reply.ok) fail("query_verify_no_tag", `the judge gave no verdict: ${reply.problem}`, "critique");
      // The model's verdict, and the heuristic checks that the text states what the calls need.
      const checks = heuristicVerdict(turns);
      const isAccepted = reply.value.verdict === "accept" && checks.isAccepted;
      return { isAccepted, score: reply.value.score, reasons: [...reply.value.reasons, ...checks.reasons] };
    },
  });

  return {
    backend: "llm",
    synthesize: (seed, context) => runPipeline(seed, context, backendFor(context)),
  };
}
