// Stage 5, augment (shared): give the synthesized task its seed's category as BFCL builds it. miss_param: the
// user's request leaves out a value (the model should ask), and the next turn supplies it. miss_func: the request
// comes while a needed function is held back, and an empty turn releases it. base and long_context: unchanged.
import { resultMentions } from "../../envs/bfcl/structure";
import type { RolloutTask } from "../../policies/types";
import type { Rng } from "../../rods/random";
import type { SynthesizedTask } from "../types";
import { isImpliedArg, omittableNoun } from "./arg-words";
import { plannableTools } from "./grounding";
import { SynthesisFailure, type ExecutedCall, type Execution, type SeedLayout } from "./model";
import { textStates } from "./text-checks";

/** Text per seed turn index (act and idle turns). */
export type TurnTexts = ReadonlyMap<number, string>;

function userTurn(text: string): { role: "user"; content: string }[] {
  return [{ role: "user", content: text }];
}

function groundTruthOf(calls: readonly ExecutedCall[]) {
  return calls.map((c) => ({ name: c.name, args: c.args, source: c.source }));
}

/** The core task: the seed's act and idle turns only, with their texts (what critique checks first). */
export function buildCoreTask(seed: RolloutTask, layout: SeedLayout, execution: Execution, texts: TurnTexts): SynthesizedTask {
  const indices = layout.turns.filter((t) => t.role === "act" || t.role === "idle").map((t) => t.index);
  return {
    category: seed.category,
    involvedClasses: [...seed.involvedClasses],
    initialConfig: execution.initialConfig,
    longContext: seed.longContext,
    turns: indices.map((t) => userTurn(texts.get(t) ?? "")),
    groundTruth: indices.map((t) => groundTruthOf(execution.turns[t])),
    missedFunctions: {},
  };
}

function quoteForms(value: string): string[] {
  return [`'${value}'`, `"${value}"`, value];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The text with the value written nowhere: quoted or bare strings, or the number as a whole token (once). */
function blankOut(text: string, value: string | number, vague: string): string | undefined {
  if (typeof value === "string") {
    let out = text;
    // The bare form only as a whole token: inside a longer name ("next_notes.txt") it is another value.
    for (const form of quoteForms(value)) {
      out = form === value ? out.replace(new RegExp(`(?<![\\w./-])${escapeRegExp(form)}(?![\\w./-])`, "g"), vague) : out.split(form).join(vague);
    }
    return out.includes(value) ? undefined : out;
  }
  const token = new RegExp(`(?<![\\d.'"])${escapeRegExp(String(value))}(?![\\d'"]|\\.\\d)`, "g");
  const hits = text.match(token) ?? [];
  return hits.length === 1 ? text.replace(token, vague) : undefined;
}

/** miss_param: the act turn's request without one value, and the sentence that supplies it. */
function withoutValue(
  text: string,
  calls: readonly ExecutedCall[],
  earlierText: string,
  earlierResults: readonly string[],
  rng: Rng,
  isStrict = true,
): { ask: string; supply: string } | undefined {
  // Prefer a value of the turn's first call, so no part of the request can be carried out before asking.
  const candidates: { noun: string; value: string | number; call: number }[] = [];
  for (const [i, call] of calls.entries()) {
    for (const [param, value] of Object.entries(call.args)) {
      const isUsable = (typeof value === "string" && value.trim().length >= 3) || (typeof value === "number" && Math.abs(value) >= 2);
      if (!isUsable || isImpliedArg(call.name, param, value) || !omittableNoun(call.name, param)) continue;
      // The model must have no way to know the value: not said before, not in any earlier result.
      const s = String(value);
      if (!text.includes(s) || textStates(earlierText, value as string | number)) continue;
      if (isStrict && earlierResults.some((r) => resultMentions(r, s))) continue;
      if (!candidates.some((c) => c.value === value)) candidates.push({ noun: omittableNoun(call.name, param)!, value: value as string | number, call: i });
    }
  }
  // Strings first (a number is easy to misread in prose), then by call.
  const ordered = rng.shuffle(candidates).sort((a, b) => a.call - b.call || Number(typeof a.value === "number") - Number(typeof b.value === "number"));
  for (const { noun, value } of ordered) {
    const ask = blankOut(text, value, `the ${noun} I'll give you next`);
    if (ask === undefined) continue;
    const said = typeof value === "number" ? String(value) : `'${value}'`;
    const supply = rng.pick([`The ${noun} is ${said}.`, `Here it is: the ${noun} is ${said}.`, `Right, the ${noun} I meant is ${said}.`]);
    return { ask, supply };
  }
  return undefined;
}

export function augmentTask(seed: RolloutTask, layout: SeedLayout, execution: Execution, texts: TurnTexts, rng: Rng): SynthesizedTask {
  const turns: { role: "user"; content: string }[][] = [];
  const groundTruth: SynthesizedTask["groundTruth"] = [];
  const missedFunctions: Record<string, string[]> = {};
  const earlierTexts: string[] = [];
  const earlierResults: string[] = [];
  for (const turn of layout.turns) {
    const t = turn.index;
    const calls = execution.turns[t];
    if (turn.role === "ask_param") {
      const next = texts.get(t + 1) ?? "";
      const args = [next, execution.turns[t + 1], earlierTexts.join("\n"), earlierResults, rng] as const;
      // Failing a value no result ever showed, one that an earlier listing showed among others.
      const split = withoutValue(...args) ?? withoutValue(...args, false);
      if (!split) throw new SynthesisFailure("no_pattern", `turn ${t + 2} has no value the user could leave out`, "augment");
      turns.push(userTurn(split.ask));
      groundTruth.push([]);
      // The act turn that follows says only what was missing.
      turns.push(userTurn(split.supply));
      groundTruth.push(groundTruthOf(execution.turns[t + 1]));
      earlierTexts.push(split.ask, split.supply);
      for (const c of execution.turns[t + 1]) earlierResults.push(c.result);
      continue;
    }
    if (turns.length > t) continue; // already written as the act turn of an ask_param pair
    if (turn.role === "ask_func") {
      const release = t + 1;
      const held = heldBack(execution, release, layout.heldBackCounts[release] ?? 1, rng);
      if (!held.length) throw new SynthesisFailure("no_pattern", `no function of turn ${release + 1} can be held back (each is used earlier)`, "augment");
      missedFunctions[String(release)] = held;
      turns.push(userTurn(texts.get(release) ?? ""));
      groundTruth.push([]);
      turns.push([]);
      groundTruth.push(groundTruthOf(execution.turns[release]));
      earlierTexts.push(texts.get(release) ?? "");
      for (const c of execution.turns[release]) earlierResults.push(c.result);
      continue;
    }
    const text = texts.get(t) ?? "";
    turns.push(userTurn(text));
    groundTruth.push(groundTruthOf(calls));
    earlierTexts.push(text);
    for (const c of calls) earlierResults.push(c.result);
  }
  if (turns.length !== layout.turns.length) {
    throw new SynthesisFailure("no_pattern", `the variant has ${turns.length} turns where the seed has ${layout.turns.length}`, "augment");
  }
  return {
    category: seed.category,
    involvedClasses: [...seed.involvedClasses],
    initialConfig: execution.initialConfig,
    longContext: seed.longContext,
    turns,
    groundTruth,
    missedFunctions,
  };
}

/** Functions to hold back until `release`: the release turn's first call not used before it, then others. */
function heldBack(execution: Execution, release: number, count: number, rng: Rng): string[] {
  const usedBefore = new Set(execution.turns.slice(0, release).flat().map((c) => c.name));
  const atRelease = execution.turns[release].map((c) => c.name).filter((n) => !usedBefore.has(n));
  if (!atRelease.length) return [];
  const out = [atRelease[0]];
  const later = execution.turns.slice(release + 1).flat().map((c) => c.name);
  const classes = [...new Set(execution.turns[release].map((c) => c.className))];
  const unused = rng.shuffle(classes.flatMap((c) => plannableTools(c))).filter((n) => !usedBefore.has(n) && !later.includes(n));
  for (const n of [...atRelease.slice(1), ...later.filter((n) => !usedBefore.has(n)), ...unused]) {
    if (out.length >= count) break;
    if (!out.includes(n)) out.push(n);
  }
  return out;
}
