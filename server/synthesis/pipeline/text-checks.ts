// Checks on the user text of a synthesized task (both backends): it must not name tools or parameter
// identifiers, must not carry template debris, and (the heuristic judge) must state every value its calls need
// unless an earlier result or turn already supplies it.
import { BFCL_CLASSES, funcDocs } from "../../envs/bfcl/data";
import { resultMentions } from "../../envs/bfcl/structure";
import { ID_NOUNS, isImpliedArg } from "./arg-words";
import type { ExecutedCall } from "./model";

let toolNames: string[] | undefined;
let paramIdentifiers: Set<string> | undefined;
function vocabulary() {
  if (!toolNames || !paramIdentifiers) {
    toolNames = [];
    paramIdentifiers = new Set();
    for (const cls of BFCL_CLASSES) {
      for (const doc of funcDocs(cls)) {
        toolNames.push(doc.name);
        for (const p of Object.keys(doc.parameters.properties ?? {})) {
          // Plain words ("source", "amount") are ordinary English; identifiers are snake_case or camelCase.
          if (p.includes("_") || /[a-z][A-Z]/.test(p)) paramIdentifiers.add(p);
        }
      }
    }
  }
  return { toolNames, paramIdentifiers };
}

/** Tool names that are everyday English words: a sentence may use them ("sort", "add"); templates do not. */
export const ENGLISH_TOOL_NAMES: ReadonlySet<string> = new Set([
  "add", "sort", "find", "touch", "tail", "echo", "mean", "power", "comment", "mention", "divide", "multiply", "subtract", "percentage", "logarithm",
]);

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringLeaves(v, out));
  else if (value && typeof value === "object") Object.values(value as Record<string, unknown>).forEach((v) => stringLeaves(v, out));
  return out;
}

/** Tool names and parameter identifiers in `text` once the calls' own argument values are blanked out. */
export function leakedNames(text: string, calls: readonly ExecutedCall[], options: { isStrict?: boolean } = {}): string[] {
  const { toolNames: tools, paramIdentifiers: params } = vocabulary();
  let masked = text;
  const values = calls.flatMap((c) => stringLeaves(c.args)).filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  // Whole words only: a short value ("a", "post") must not cut a tool name it happens to sit inside ("cat", "post_tweet").
  for (const v of values) masked = masked.replace(new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(v)}(?![A-Za-z0-9_])`, "g"), " ");
  const tokens = new Set((masked.match(/[A-Za-z0-9_]+/g) ?? []).map((t) => t.toLowerCase()));
  const found: string[] = [];
  for (const name of tools) {
    if (!options.isStrict && ENGLISH_TOOL_NAMES.has(name)) continue;
    if (tokens.has(name.toLowerCase())) found.push(name);
  }
  for (const p of params) if (tokens.has(p.toLowerCase())) found.push(p);
  return found;
}

/** The goal phrase of each service, as the procedural rewrite writes it (and the gate reads it). */
export const GOALS: Readonly<Record<string, string>> = {
  GorillaFileSystem: "some files",
  MathAPI: "a few calculations",
  MessageAPI: "messages with my team",
  TwitterAPI: "my social media account",
  TicketAPI: "my support tickets",
  TradingBot: "my trading account",
  TravelAPI: "an upcoming trip",
  VehicleControlAPI: "my car",
};

/** The placeholder the miss_param augmentation writes where a value was. */
export const PLACEHOLDER_TAIL = "I'll give you next";

// Glued: a name character right before "the <noun>…", or right after "…next" (a full stop then a letter, as in ".txt").
const GLUED = new RegExp(`[\\w./-]the [\\w ]+ ${PLACEHOLDER_TAIL}|${PLACEHOLDER_TAIL}(?:[\\w/-]|\\.\\w)`);

function clauses(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/^(i'm|i need|let's)[^.]*\.\s*/, "")
    .split(/,? then |, and finally |\.\s+|\.$|;\s*/)
    .map((c) => c.replace(/^(to start|next|after that|now|then|once that's done|with the result from before|using what we got earlier|building on the earlier result),?\s*(please\s*)?/, "").replace(/^please\s+/, "").trim())
    .filter((c) => c.length >= 12);
}

/**
 * What a reviewer would reject in a synthesized conversation: a placeholder glued into a value ("the folder I'll
 * give you next_notes.txt"), a goal sentence naming a service no call of the task uses, a request repeated in a
 * later turn. `turns` are the user texts per turn (empty for turns without one); `calledClasses` the classes the
 * task's ground truth calls.
 */
export function conversationProblems(turns: readonly string[], calledClasses: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  turns.forEach((text, t) => {
    if (GLUED.test(text)) problems.push(`turn ${t + 1}: a placeholder is glued into a value: ${text.slice(0, 160)}`);
    for (const [cls, phrase] of Object.entries(GOALS)) {
      if (text.includes(phrase) && !calledClasses.has(cls)) problems.push(`turn ${t + 1}: the goal names ${phrase} (${cls}), which no call of the task uses`);
    }
    for (const c of new Set(clauses(text))) {
      const earlier = seen.get(c);
      if (earlier !== undefined && earlier < t) problems.push(`turn ${t + 1} repeats the request of turn ${earlier + 1}: "${c}"`);
      if (earlier === undefined) seen.set(c, t);
    }
  });
  return problems;
}

const DEBRIS = /\{\w*\}|\$\{|\bundefined\b|\bNaN\b|\[object |\bnull\b/;

export function hasTemplateDebris(text: string): boolean {
  return DEBRIS.test(text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when the text states the value: a string verbatim, a number as a whole number token. */
export function textStates(text: string, value: string | number): boolean {
  if (typeof value === "string") return text.includes(value);
  const plain = text.replace(/(\d),(?=\d{3}\b)/g, "$1");
  const forms = [String(value), Number.isInteger(value) ? `${value}.0` : value.toFixed(2)];
  return forms.some((f) => new RegExp(`(?<![\\d.])${escapeRegExp(f)}(?![\\d])`).test(plain));
}

/** Values a call needs the user to state: string (at least 2 characters) and number leaves, implied ones left out. */
export function neededValues(call: ExecutedCall): { param: string; value: string | number }[] {
  const out: { param: string; value: string | number }[] = [];
  const visit = (param: string, v: unknown) => {
    if (typeof v === "number") out.push({ param, value: v });
    else if (typeof v === "string" && v.trim().length >= 2) out.push({ param, value: v });
    else if (Array.isArray(v)) v.forEach((x) => visit(param, x));
    else if (v && typeof v === "object") Object.values(v as Record<string, unknown>).forEach((x) => visit(param, x));
  };
  for (const [param, value] of Object.entries(call.args)) if (!isImpliedArg(call.name, param, value)) visit(param, value);
  return out;
}

export interface TurnText {
  text: string;
  calls: readonly ExecutedCall[];
}

/**
 * The heuristic judge: every turn that acts has text, no template debris, and each needed value is stated in
 * this or an earlier turn. Ids (tokens, booking, order, ticket, tweet, card and user ids) may instead come from the
 * result of an earlier call: users refer to them ("that booking") rather than type them.
 */
export function heuristicVerdict(turns: readonly TurnText[]): { isAccepted: boolean; score: number; reasons: string[] } {
  const reasons: string[] = [];
  let checks = 0;
  let passed = 0;
  const results: string[] = [];
  let textSoFar = "";
  turns.forEach((turn, t) => {
    checks++;
    if (turn.text.trim() === "") reasons.push(`turn ${t + 1} has no text`);
    else if (hasTemplateDebris(turn.text)) reasons.push(`turn ${t + 1} contains template debris`);
    else passed++;
    textSoFar += `\n${turn.text}`;
    for (const call of turn.calls) {
      for (const { param, value } of neededValues(call)) {
        checks++;
        const isFromResult = param in ID_NOUNS && results.some((r) => resultMentions(r, String(value)));
        if (textStates(textSoFar, value) || isFromResult) passed++;
        else reasons.push(`turn ${t + 1}: the text never gives ${param}=${JSON.stringify(value)} needed by ${call.name}`);
      }
      results.push(call.result);
    }
  });
  return { isAccepted: reasons.length === 0, score: checks ? Math.round((passed / checks) * 1000) / 1000 : 1, reasons };
}
