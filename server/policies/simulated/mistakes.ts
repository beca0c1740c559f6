// How the learner gets a call wrong. Which kind of mistake is drawn from a fixed per-category distribution (not
// learned); the details (which argument, which other function) from the rollout's random stream.
import { toolDoc } from "../../envs/bfcl/tool-docs";
import { funcDocs, type BfclSchema, type FuncDoc } from "../../envs/bfcl/data";
import type { ToolCall } from "../../envs/types";
import type { Rng } from "../../rods/random";
import type { TaskModel } from "./task-model";

export const MISTAKES = ["wrong_arg", "wrong_function", "skip", "extra", "stop"] as const;
export type Mistake = (typeof MISTAKES)[number];

/**
 * P(mistake type | a mistake at a ground-truth call), per category, in MISTAKES order. Long context mostly garbles
 * values (the right one is buried in noise); miss_func confuses functions; stopping early is rare everywhere.
 */
export const MISTAKE_DISTRIBUTION: Readonly<Record<string, readonly number[]>> = {
  base: [0.35, 0.2, 0.2, 0.15, 0.1],
  long_context: [0.45, 0.15, 0.2, 0.1, 0.1],
  miss_func: [0.3, 0.3, 0.2, 0.1, 0.1],
  miss_param: [0.4, 0.15, 0.2, 0.15, 0.1],
};

export function mistakeDistribution(category: string): readonly number[] {
  return MISTAKE_DISTRIBUTION[category] ?? MISTAKE_DISTRIBUTION.base;
}

export function sampleMistake(category: string, rng: Rng, isGreedy: boolean): Mistake {
  const probs = mistakeDistribution(category);
  if (isGreedy) return MISTAKES[probs.indexOf(Math.max(...probs))];
  let u = rng.next();
  for (let i = 0; i < MISTAKES.length; i++) {
    u -= probs[i];
    if (u < 0) return MISTAKES[i];
  }
  return MISTAKES[MISTAKES.length - 1];
}

type Json = unknown;

function deepCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

const SUFFIXES = ["_old", "2", "_backup", "_new", "_final"];

/** A different but plausible string: another value of the task, or a small edit of this one. */
function perturbString(s: string, rng: Rng, pool: readonly string[]): string {
  const others = pool.filter((p) => p !== s);
  if (others.length > 0 && rng.next() < 0.5) return rng.pick(others);
  const suffix = rng.pick(SUFFIXES);
  const dot = s.lastIndexOf(".");
  if (dot > 0 && dot > s.length - 6) return `${s.slice(0, dot)}${suffix}${s.slice(dot)}`;
  if (s.length > 4 && rng.next() < 0.3) return s.slice(0, -1);
  return `${s}${suffix}`;
}

function perturbNumber(n: number, rng: Rng): number {
  if (Number.isInteger(n)) {
    const delta = rng.pick([1, 2, 5, 10]) * (rng.next() < 0.5 ? -1 : 1);
    return n + delta < 0 && n >= 0 ? n - delta : n + delta;
  }
  const scaled = Math.round(n * rng.pick([0.5, 0.9, 1.1, 1.5, 2]) * 100) / 100;
  return scaled === n ? n + 1.5 : scaled;
}

/** A value of the same type that differs from `v`. */
export function perturbValue(v: Json, rng: Rng, pool: readonly string[]): Json {
  if (typeof v === "string") return perturbString(v, rng, pool);
  if (typeof v === "number") return perturbNumber(v, rng);
  if (typeof v === "boolean") return !v;
  if (Array.isArray(v)) {
    const copy = deepCopy(v) as Json[];
    if (copy.length === 0) return [pool.length > 0 ? rng.pick(pool) : "item"];
    const i = rng.int(copy.length);
    if (copy.length > 1 && rng.next() < 0.4) copy.splice(i, 1);
    else copy[i] = perturbValue(copy[i], rng, pool);
    return copy;
  }
  if (v && typeof v === "object") {
    const copy = deepCopy(v) as Record<string, Json>;
    const keys = Object.keys(copy);
    if (keys.length === 0) return { value: "unknown" };
    const k = rng.pick(keys);
    copy[k] = perturbValue(copy[k], rng, pool);
    return copy;
  }
  return pool.length > 0 ? rng.pick(pool) : "none";
}

/** The call with one argument value changed; null when it has no arguments. */
export function wrongArgument(call: ToolCall, rng: Rng, pool: readonly string[]): ToolCall | null {
  const keys = Object.keys(call.args);
  if (keys.length === 0) return null;
  const key = rng.pick(keys);
  return { name: call.name, args: { ...call.args, [key]: perturbValue(call.args[key], rng, pool) } };
}

function fitsType(value: Json, type: string | undefined): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "float":
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "array":
    case "tuple":
      return Array.isArray(value);
    case "dict":
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return value !== undefined;
  }
}

function defaultOfType(schema: BfclSchema, rng: Rng, source: ToolCall, pool: readonly string[]): Json {
  const same = Object.values(source.args).filter((v) => fitsType(v, schema.type));
  if (same.length > 0) return deepCopy(rng.pick(same));
  switch (schema.type) {
    case "integer":
      return 1;
    case "float":
      return 1.5;
    case "boolean":
      return true;
    case "array":
    case "tuple":
      return [];
    case "dict":
      return {};
    default:
      return pool.length > 0 ? rng.pick(pool) : "default";
  }
}

/** Arguments for `doc` taken from what the model meant to call: same-named values where they fit, else plausible ones. */
export function fitArguments(doc: FuncDoc, source: ToolCall, rng: Rng, pool: readonly string[]): Record<string, Json> {
  const args: Record<string, Json> = {};
  const required = new Set(doc.parameters.required ?? []);
  for (const [name, schema] of Object.entries(doc.parameters.properties ?? {})) {
    const own = source.args[name];
    if (own !== undefined && fitsType(own, schema.type)) args[name] = deepCopy(own);
    else if (required.has(name)) args[name] = defaultOfType(schema, rng, source, pool);
  }
  return args;
}

function sharedParams(doc: FuncDoc, call: ToolCall): number {
  let n = 0;
  for (const name of Object.keys(doc.parameters.properties ?? {})) if (name in call.args) n++;
  return n;
}

/** Another tool of the call's class (one the model is shown), preferring those with the same parameter names. */
export function wrongFunction(call: ToolCall, rng: Rng, heldBack: ReadonlySet<string>, pool: readonly string[]): ToolCall | null {
  const own = toolDoc(call.name);
  if (!own) return null;
  const candidates = funcDocs(own.className).filter((d) => d.name !== call.name && !heldBack.has(d.name));
  if (candidates.length === 0) return null;
  const best = Math.max(...candidates.map((d) => sharedParams(d, call)));
  // Half the time the confusion is with a look-alike (shared parameter names), else with any tool of the class.
  const pickFrom = best > 0 && rng.next() < 0.5 ? candidates.filter((d) => sharedParams(d, call) === best) : candidates;
  const doc = rng.pick(pickFrom);
  return { name: doc.name, args: fitArguments(doc, call, rng, pool) };
}

/** Ground-truth calls of turns other than `turn` that change the state and are shown at `turn`. */
function mutatingCallsElsewhere(model: TaskModel, turn: number, from = 0): ToolCall[] {
  const out: ToolCall[] = [];
  for (let t = from; t < model.gtCalls.length; t++) {
    if (t === turn) continue;
    model.gtCalls[t].forEach((c, j) => {
      if (model.gtMutates[t][j] && !model.heldBack[turn].has(c.name)) out.push(c);
    });
  }
  return out;
}

/**
 * An unrequested call: usually a state-changing call the user asks for in another turn, done now (again or too
 * early), else any tool of the task the model is shown, with arguments borrowed from the call at hand.
 */
export function extraCall(model: TaskModel, turn: number, rng: Rng, around: ToolCall): ToolCall {
  const elsewhere = mutatingCallsElsewhere(model, turn);
  if (elsewhere.length > 0 && rng.next() < 0.7) return rng.pick(elsewhere);
  const docs = model.task.involvedClasses.flatMap((cls) => funcDocs(cls)).filter((d) => !model.heldBack[turn].has(d.name));
  const doc = rng.pick(docs);
  return { name: doc.name, args: fitArguments(doc, around, rng, model.stringPool) };
}

/**
 * Acting on a turn where the model should ask: it goes ahead with the user's next request as if it had guessed the
 * missing detail, i.e. the calls of the next turn that has any, through look-alikes for functions not offered yet
 * (miss_func); when that request changes nothing, with the next state-changing call of the conversation.
 */
export function actInsteadOfAsk(model: TaskModel, turn: number, rng: Rng): ToolCall[] {
  const heldBack = model.heldBack[turn];
  const u = model.gtCalls.findIndex((calls, t) => t > turn && calls.length > 0);
  if (u >= 0) {
    const premature = mutatingCallsElsewhere(model, turn, turn + 1)[0];
    if (!model.gtMutates[u].some(Boolean) && premature) return [premature];
    return model.gtCalls[u].map((c) => (heldBack.has(c.name) ? (wrongFunction(c, rng, heldBack, model.stringPool) ?? c) : c));
  }
  const docs = model.task.involvedClasses.flatMap((cls) => funcDocs(cls)).filter((d) => !heldBack.has(d.name));
  const doc = rng.pick(docs);
  return [{ name: doc.name, args: fitArguments(doc, { name: doc.name, args: {} }, rng, model.stringPool) }];
}
