// What a grounder sees: the environment's public state now, the calls made so far with their results, the
// file system's working directory (private in the class, tracked here), and a seeded RNG.
import type { PublicState } from "../../../envs/types";
import type { Rng } from "../../../rods/random";
import { numbersIn, parseResult } from "../calls";

export interface PastCall {
  name: string;
  args: Record<string, unknown>;
  result: string;
  parsed: unknown;
}

export interface GroundingContext {
  state: PublicState;
  /** directory names from the root to the working directory of GorillaFileSystem */
  cwd: string[];
  history: PastCall[];
  rng: Rng;
  longContext: boolean;
}

export type Args = Record<string, unknown>;
/** Candidate argument sets for one tool, most plausible first; [] when nothing in the state fits. */
export type Grounder = (ctx: GroundingContext) => Args[];

export function pastCall(name: string, args: Args, result: string): PastCall {
  return { name, args, result, parsed: parseResult(result) };
}

export function classState(ctx: GroundingContext, className: string): Record<string, unknown> {
  return (ctx.state[className] ?? {}) as Record<string, unknown>;
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Parsed results of earlier calls of the given tools, most recent first. */
export function resultsOf(ctx: GroundingContext, names: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (let i = ctx.history.length - 1; i >= 0; i--) if (names.includes(ctx.history[i].name)) out.push(ctx.history[i].parsed);
  return out;
}

/** Numbers that earlier results produced, most recent first, without repeats. */
export function resultNumbers(ctx: GroundingContext): number[] {
  const out: number[] = [];
  for (let i = ctx.history.length - 1; i >= 0; i--) {
    for (const n of numbersIn(ctx.history[i].parsed)) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Up to `k` distinct items, shuffled. */
export function sample<T>(ctx: GroundingContext, items: readonly T[], k: number): T[] {
  return ctx.rng.shuffle(items).slice(0, k);
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A random integer in [lo, hi]. */
export function randInt(ctx: GroundingContext, lo: number, hi: number): number {
  return lo + ctx.rng.int(hi - lo + 1);
}

/** Words of a text worth searching for (letters only, at least 4 of them). */
export function wordsOf(text: string, limit = 400): string[] {
  const words = text.slice(0, limit).match(/[A-Za-z]{4,}/g) ?? [];
  return [...new Set(words)];
}
