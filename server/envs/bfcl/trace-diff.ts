// Comparison rules of data/bfcl/README.md ("How a reimplementation is judged"): results as strings with two
// allowances, states deep by value, and the state digest of the traces.
import { createHash } from "node:crypto";
import { pyFloatRepr } from "./py-format";

const ERROR_HEAD = "Error during execution:";

/** Drop a trailing ".0" from numbers (Python floats may print as ints in our port). */
function dropPointZero(s: string): string {
  return s.replace(/(\d)\.0(?![0-9eE])/g, "$1");
}

/** True when `actual` counts as the recorded `expected` result. */
export function compareResult(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  if (expected.startsWith(ERROR_HEAD)) return actual.startsWith(ERROR_HEAD);
  if (!expected.includes(".0") && !actual.includes(".0")) return false;
  return dropPointZero(expected) === dropPointZero(actual);
}

export interface StateDifference {
  /** JSON-path-like location, e.g. `TicketAPI.ticket_queue[0].status`. */
  path: string;
  expected: unknown;
  actual: unknown;
}

function describePath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

function diffInto(expected: unknown, actual: unknown, path: string, out: StateDifference[], limit: number): void {
  if (out.length >= limit) return;
  if (expected === actual) return;
  if (typeof expected === "number" && typeof actual === "number") {
    if (expected !== actual && !(Number.isNaN(expected) && Number.isNaN(actual))) out.push({ path, expected, actual });
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push({ path: `${path} (length ${expected.length} vs ${actual.length})`, expected, actual });
      return;
    }
    for (let i = 0; i < expected.length; i++) diffInto(expected[i], actual[i], describePath(path, i), out, limit);
    return;
  }
  if (
    expected !== null &&
    actual !== null &&
    typeof expected === "object" &&
    typeof actual === "object" &&
    !Array.isArray(expected) &&
    !Array.isArray(actual)
  ) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!(k in a)) out.push({ path: describePath(path, k), expected: e[k], actual: "<missing>" });
      else diffInto(e[k], a[k], describePath(path, k), out, limit);
      if (out.length >= limit) return;
    }
    for (const k of Object.keys(a)) {
      if (!(k in e)) out.push({ path: describePath(path, k), expected: "<missing>", actual: a[k] });
      if (out.length >= limit) return;
    }
    return;
  }
  out.push({ path, expected, actual });
}

/** Differences between two states (deep, key order ignored, numbers by value); empty when equal. */
export function compareState(expected: unknown, actual: unknown, limit = 20): StateDifference[] {
  const out: StateDifference[] = [];
  diffInto(expected, actual, "", out, limit);
  return out;
}

/** Fast deep equality with the same rules as compareState (JSON-like values; key order ignored). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k in ao) {
    if (!Object.prototype.hasOwnProperty.call(ao, k)) continue;
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !valuesEqual(ao[k], bo[k])) return false;
    count++;
  }
  let countB = 0;
  for (const k in bo) if (Object.prototype.hasOwnProperty.call(bo, k)) countB++;
  return count === countB;
}

export function statesEqual(expected: unknown, actual: unknown): boolean {
  return valuesEqual(expected, actual);
}

const CANONICAL_PLAIN = /^[^"\\\x00-\x1f]*$/;

function canonicalString(s: string): string {
  if (CANONICAL_PLAIN.test(s)) return `"${s}"`;
  // json.dumps(ensure_ascii=False) escapes only quotes, backslashes and control characters.
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20) out += s[i];
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else out += `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return out + '"';
}

/** The state as Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) writes it. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return canonicalString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value === 0 ? 0 : value) : BigInt(value).toString();
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
      return pyFloatRepr(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${canonicalString(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** First 16 hex digits of sha256 over the canonical JSON of a state, as `state_digest` in the traces. */
export function stateDigest(state: unknown): string {
  return createHash("sha256").update(canonicalJson(state), "utf8").digest("hex").slice(0, 16);
}
