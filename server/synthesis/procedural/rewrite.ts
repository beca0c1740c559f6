// Stage 3, rewrite (procedural): all user turns written together as one conversation. Each call becomes its
// phrase template with the argument values it needs; calls of a turn are chained ("..., then ..., and finally
// ..."), the first turn states the shared goal, and later turns refer back ("With the result from before").
import { resultMentions } from "../../envs/bfcl/structure";
import { createRng, type Rng } from "../../rods/random";
import type { TurnTexts } from "../pipeline/augment";
import { ID_NOUNS } from "../pipeline/arg-words";
import { SynthesisFailure, type ExecutedCall } from "../pipeline/model";
import type { RewriteInput } from "../pipeline/run";
import { PHRASES } from "./phrases";
import { GOALS } from "../pipeline/text-checks";

const INTROS = ["I'm sorting out {goal} today.", "I need a hand with {goal}.", "Let's get {goal} in order."];
const OPENERS = ["Next, please", "After that, please", "Now please", "Then please", "Once that's done, please"];
const BACK_REFERENCES = ["With the result from before, please", "Using what we got earlier, please", "Building on the earlier result, please"];
const IDLE = [
  "Before we go on, just give me a short summary of what has been done so far; no changes for now.",
  "Hold on a moment: don't do anything else yet, just recap where things stand.",
];
/** Tools whose result names one new id: only there can "that booking" refer to one thing unambiguously. */
const SINGLE_ID_SOURCES = new Set([
  "place_order", "book_flight", "register_credit_card", "authenticate_travel", "create_ticket", "post_tweet", "get_user_id", "add_contact",
]);

function lit(value: unknown): string {
  if (typeof value === "string") return value.includes("'") ? `"${value}"` : `'${value}'`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return listWords(value.map(lit));
  return JSON.stringify(value);
}

function listWords(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

interface Known {
  text: string;
  /** results of the calls so far, with their tool and seed turn */
  results: { name: string; turn: number; result: string }[];
}

/** An id as a noun phrase: the literal the first time, a reference once the text or a recent result has it. */
function idPhrase(param: string, value: unknown, known: Known, turn: number): string {
  const noun = ID_NOUNS[param];
  const scalar = typeof value === "string" || typeof value === "number" ? value : String(value);
  const isStated =
    known.text.includes(`${noun} ${lit(value)}`) || (typeof scalar === "string" && scalar.length >= 4 && known.text.includes(scalar));
  if (isStated) return `the same ${noun}`;
  const isRecent = known.results.some((r) => r.turn >= turn - 1 && SINGLE_ID_SOURCES.has(r.name) && resultMentions(r.result, String(scalar)));
  if (isRecent) return `that ${noun}`;
  if (param === "access_token") return `my access token ${lit(value)}`;
  return `${noun} ${lit(value)}`;
}

export function phraseOf(call: ExecutedCall, known: Known, turn: number): string {
  const phrase = PHRASES[call.name];
  if (!phrase) throw new SynthesisFailure("query_gen_failed", `no phrase template for '${call.name}'`, "rewrite");
  const v: Record<string, string> = {};
  for (const [param, value] of Object.entries(call.args)) {
    if (param === "updates" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) v[`updates.${k}`] = lit(x);
    } else if (param in ID_NOUNS && !Array.isArray(value)) v[param] = idPhrase(param, value, known, turn);
    else v[param] = lit(value);
  }
  return phrase(v, call.args, call.result);
}

function chain(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  if (parts.length === 2) return `${parts[0]}, then ${parts[1]}`;
  return `${parts.slice(0, -1).join(", then ")}, and finally ${parts[parts.length - 1]}`;
}

function goalSentence(rng: Rng, classes: string[]): string {
  const goals = [...new Set(classes.map((c) => GOALS[c]).filter((g): g is string => Boolean(g)))];
  return rng.pick(INTROS).replace("{goal}", listWords(goals.length ? goals : ["a few things"]));
}

/**
 * The plan stage's text: each turn's calls as their phrase templates with literal values, one turn at a time, with
 * no shared goal, no openers and no references across turns. The plan's own query replaces a turn's draft when the
 * backend wrote one. What the rewrite stage adds is exactly what this leaves out.
 */
export function planTextsProcedurally({ layout, execution }: RewriteInput): TurnTexts {
  const texts = new Map<number, string>();
  for (const turn of layout.turns) {
    if (turn.role === "idle") texts.set(turn.index, IDLE[[...texts.values()].filter((x) => IDLE.includes(x)).length % IDLE.length]!);
    if (turn.role !== "act") continue;
    const query = execution.planQueries?.[turn.index]?.trim();
    if (query) {
      texts.set(turn.index, query);
      continue;
    }
    const known: Known = { text: "", results: [] };
    const parts = execution.turns[turn.index].map((call) => phraseOf(call, { text: "", results: known.results }, turn.index));
    texts.set(turn.index, capitalize(`Please ${chain(parts)}.`.replace(/\.\.$/, ".")));
  }
  return texts;
}

function usedClasses(involved: readonly string[], turns: readonly ExecutedCall[][]): string[] {
  const used = new Set(turns.flat().map((c) => c.className));
  return involved.filter((c) => used.has(c));
}

export function rewriteProcedurally({ seed, layout, execution, rngSeed }: RewriteInput): TurnTexts {
  const rng = createRng(rngSeed);
  const texts = new Map<number, string>();
  const known: Known = { text: "", results: [] };
  let isFirst = true;
  for (const turn of layout.turns) {
    if (turn.role === "idle") {
      // Never the same recap twice in one conversation.
      const unused = IDLE.filter((x) => !known.text.includes(x));
      const text = rng.pick(unused.length ? unused : IDLE);
      texts.set(turn.index, text);
      known.text += `\n${text}`;
      continue;
    }
    if (turn.role !== "act") continue;
    const calls = execution.turns[turn.index];
    const parts: string[] = [];
    let usesEarlierTurn = false;
    for (const call of calls) {
      const before = known.results.filter((r) => r.turn < turn.index);
      if (call.depth > 0 && before.some((r) => Object.values(call.args).some((v) => (typeof v === "string" || typeof v === "number") && resultMentions(r.result, String(v))))) {
        usesEarlierTurn = true;
      }
      const part = phraseOf(call, { text: `${known.text}\n${parts.join(" ")}`, results: known.results }, turn.index);
      parts.push(part);
      known.results.push({ name: call.name, turn: turn.index, result: call.result });
    }
    const body = chain(parts);
    let text: string;
    // The goal names only services the conversation really uses (a seed's class may have no call in this task).
    if (isFirst) text = `${goalSentence(rng, usedClasses(seed.involvedClasses, execution.turns))} To start, please ${body}.`;
    else text = `${rng.pick(usesEarlierTurn ? BACK_REFERENCES : OPENERS)} ${body}.`;
    isFirst = false;
    text = capitalize(text.replace(/\.\.$/, "."));
    texts.set(turn.index, text);
    known.text += `\n${text}`;
  }
  return texts;
}
