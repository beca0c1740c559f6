// Structure profile of a task's ground truth (DESIGN.md §1, skill-aligned synthesis): classes and calls per turn,
// and data dependencies between calls: a call depends on the most recent earlier call whose result supplied one
// of its argument values.
import { toolSignature } from "./bfcl-env";
import { pyJsonString, pyStrRepr } from "./py-format";
import type { ParsedCall } from "./python-call";
import type { PreparedGroundTruth } from "./verifier";

export interface CallRef {
  turn: number;
  index: number;
}

export interface StructureProfile {
  turns: number;
  classesPerTurn: string[][];
  callsPerTurn: number[];
  /** `from` produced a value that `to` uses; positions are [turn, index in turn]. */
  dependencies: Array<{ from: [number, number]; to: [number, number] }>;
  /** Number of edges in the longest dependency chain (0 when no call uses an earlier result). */
  dependencyDepth: number;
}

/** Scalar argument values, flattened out of lists and dicts, as strings; trivial ones are left out. */
export function argumentValues(call: ParsedCall): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (v === null || v === undefined || typeof v === "boolean") return;
    if (typeof v === "number") out.push(String(v)); else if (typeof v === "string") {
      if (v.trim().length >= 2) out.push(v);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object") Object.values(v as Record<string, unknown>).forEach(visit);
  };
  [...call.positional, ...Object.values(call.args)].forEach(visit);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when `value` occurs in `result` (as written there: raw, JSON- or repr-escaped) as a whole token. */
export function resultMentions(result: string, value: string): boolean {
  if (result.includes(value)) return mentionsAsToken(result, value);
  // Results are json.dumps or str() text, so a value with quotes or newlines appears escaped.
  for (const escaped of [pyJsonString(value).slice(1, -1), pyStrRepr(value).slice(1, -1)]) {
    if (escaped !== value && result.includes(escaped) && mentionsAsToken(result, escaped)) return true;
  }
  return false;
}

function mentionsAsToken(result: string, value: string): boolean {
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(value)) {
    // Numbers count only as whole values (a JSON or Python value, or the entire result), never inside text.
    if (result === value || result === `${value}.0`) return true;
    return new RegExp(`(?:^|[:\\[,(]\\s?)${escapeRegExp(value)}(?:\\.0)?(?=\\s*(?:[,}\\])]|$))`).test(result);
  }
  const inner = escapeRegExp(value);
  // Word-ish edges only where the value itself starts or ends with a word character.
  const left = /^[\w]/.test(value) ? "(?<![\\w.])" : "";
  const right = /[\w]$/.test(value) ? "(?![\\w]|\\.\\d)" : "";
  return new RegExp(`${left}${inner}${right}`).test(result);
}

function isErrorResult(result: string): boolean {
  return result.startsWith("Error during execution:") || result.startsWith('{"error"');
}

/**
 * Profile of a ground truth. `results[t][i]` is what call i of turn t returned when the ground truth was executed
 * (see verifier.prepareGroundTruth); without results there are no dependencies.
 */
export function structureProfile(
  groundTruth: readonly (readonly ParsedCall[])[],
  classOfTool: (name: string) => string | undefined,
  results?: readonly (readonly string[])[],
): StructureProfile {
  const classesPerTurn = groundTruth.map((turn) => {
    const seen: string[] = [];
    for (const c of turn) {
      const cls = classOfTool(c.name);
      if (cls !== undefined && !seen.includes(cls)) seen.push(cls);
    }
    return seen;
  });
  const callsPerTurn = groundTruth.map((turn) => turn.length);
  const flat: Array<{ ref: [number, number]; call: ParsedCall; result?: string; args: Set<string> }> = [];
  groundTruth.forEach((turn, t) =>
    turn.forEach((call, i) => flat.push({ ref: [t, i], call, result: results?.[t]?.[i], args: new Set(argumentValues(call)) })),
  );
  const dependencies: StructureProfile["dependencies"] = [];
  const depth = new Array<number>(flat.length).fill(0);
  for (let j = 0; j < flat.length; j++) {
    const providers = new Set<number>();
    for (const value of flat[j].args) {
      for (let i = j - 1; i >= 0; i--) {
        const r = flat[i].result;
        // A result that only echoes the provider's own argument is not a source of new data.
        if (r === undefined || isErrorResult(r) || flat[i].args.has(value)) continue;
        if (resultMentions(r, value)) {
          providers.add(i);
          break;
        }
      }
    }
    for (const i of [...providers].sort((a, b) => a - b)) {
      dependencies.push({ from: flat[i].ref, to: flat[j].ref });
      depth[j] = Math.max(depth[j], depth[i] + 1);
    }
  }
  return {
    turns: groundTruth.length,
    classesPerTurn,
    callsPerTurn,
    dependencies,
    dependencyDepth: depth.reduce((a, b) => Math.max(a, b), 0),
  };
}

/** Profile of a task from its executed ground truth (verifier.prepareGroundTruth). */
export function structureProfileOf(prepared: PreparedGroundTruth): StructureProfile {
  return structureProfile(
    prepared.turns.map((t) => t.calls),
    (name) => toolSignature(name)?.className,
    prepared.turns.map((t) => t.results),
  );
}
