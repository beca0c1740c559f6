// Python value semantics the MessageAPI, TwitterAPI and TicketAPI classes rely on: ==, truthiness, hashing
// (dicts with non-string keys such as None, True or 1), str.lower() on arbitrary arguments, KeyError and
// TypeError as CPython raises them. Fuzzed calls pass odd argument types, and the recorded behaviour follows
// from these rules. Imported only by files in this folder.
import { PyException } from "../api-class";
import { PyFloat, PyTuple, isPlainObject, pyRepr, pyStr } from "../py-format";

/** Python type name of a value, as error messages print it. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "string":
      return "str";
    default:
      break;
  }
  if (v instanceof PyFloat) return "float";
  if (v instanceof PyTuple) return "tuple";
  if (Array.isArray(v)) return "list";
  if (v instanceof Set) return "set";
  return "dict";
}

function isNumeric(v: unknown): v is number | boolean | PyFloat {
  return typeof v === "number" || typeof v === "boolean" || v instanceof PyFloat;
}

function numericValue(v: number | boolean | PyFloat): number {
  return v instanceof PyFloat ? v.value : Number(v);
}

/** Python bool(v). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (isNumeric(v)) return numericValue(v) !== 0;
  if (typeof v === "string") return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict || v instanceof Map || v instanceof Set) return v.size > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python a == b (bool and int compare as numbers: True == 1). */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a)) return isNumeric(b) && numericValue(a) === numericValue(b);
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === "string" || typeof b === "string") return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (a instanceof PyTuple) {
    return b instanceof PyTuple && a.items.length === b.items.length && a.items.every((x, i) => pyEq(x, b.items[i]));
  }
  const da = asEntries(a);
  const db = asEntries(b);
  if (!da || !db || da.length !== db.length) return false;
  const other = PyDict.fromEntries(db);
  return da.every(([k, v]) => other.has(k) && pyEq(v, other.get(k)));
}

function asEntries(v: unknown): [unknown, unknown][] | undefined {
  if (v instanceof PyDict) return v.entries();
  if (v instanceof Map) return [...v.entries()];
  if (isPlainObject(v)) return Object.entries(v);
  return undefined;
}

/** Python `x in seq` for a list. */
export function pyContains(seq: readonly unknown[], x: unknown): boolean {
  for (const item of seq) if (pyEq(item, x)) return true;
  return false;
}

/** Python iter(v) as list.extend or a for loop sees it: str by character, dict by key. */
export function pyIterate(v: unknown): unknown[] {
  if (typeof v === "string") return [...v];
  if (Array.isArray(v)) return v.slice();
  if (v instanceof PyTuple) return v.items.slice();
  if (v instanceof PyDict) return v.keys();
  if (v instanceof Map || v instanceof Set) return [...v.keys()];
  if (isPlainObject(v)) return Object.keys(v);
  throw new PyException("TypeError", `'${pyTypeName(v)}' object is not iterable`);
}

/** Python str.lower(), raising AttributeError for anything that is not a str. */
export function pyLower(v: unknown): string {
  if (typeof v !== "string") throw new PyException("AttributeError", `'${pyTypeName(v)}' object has no attribute 'lower'`);
  return v.toLowerCase();
}

/** Python a < b for the int comparisons the classes make; other types raise TypeError as CPython does. */
export function pyLessThan(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return numericValue(a) < numericValue(b);
  if (typeof a === "string" && typeof b === "string") return a < b;
  throw new PyException("TypeError", `'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python d[key] on a dict given as a plain object (tickets, tweets): KeyError when absent. */
export function pyGetItem(obj: unknown, key: string): unknown {
  if (isPlainObject(obj)) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
    throw new PyException("KeyError", pyRepr(key));
  }
  if (obj instanceof PyDict) {
    if (obj.has(key)) return obj.get(key);
    throw new PyException("KeyError", pyRepr(key));
  }
  if (obj === null || obj === undefined) throw new PyException("TypeError", "'NoneType' object is not subscriptable");
  throw new PyException("TypeError", `${pyTypeName(obj)} indices must be integers or slices, not str`);
}

/** Hash identity of a dict key: equal keys (1, 1.0, True) share one; lists and dicts are unhashable. */
function hashKey(key: unknown): string {
  if (typeof key === "string") return `s${key}`;
  if (isNumeric(key)) return `n${numericValue(key)}`;
  if (key === null || key === undefined) return "N";
  if (key instanceof PyTuple) return `t${JSON.stringify(key.items.map(hashKey))}`;
  throw new PyException("TypeError", `unhashable type: '${pyTypeName(key)}'`);
}

/**
 * A Python dict with arbitrary hashable keys, in insertion order. Like Python it keeps the first key object
 * given for an entry (setting d[1] after d[True] leaves the key True).
 */
export class PyDict<V = unknown> {
  private readonly map = new Map<string, [unknown, V]>();

  static fromEntries<V>(entries: Iterable<readonly [unknown, V]>): PyDict<V> {
    const d = new PyDict<V>();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }

  get size(): number {
    return this.map.size;
  }

  has(key: unknown): boolean {
    return this.map.has(hashKey(key));
  }

  get(key: unknown): V | undefined {
    return this.map.get(hashKey(key))?.[1];
  }

  set(key: unknown, value: V): void {
    const h = hashKey(key);
    const found = this.map.get(h);
    if (found) found[1] = value;
    else this.map.set(h, [key, value]);
  }

  keys(): unknown[] {
    return [...this.map.values()].map((e) => e[0]);
  }

  values(): V[] {
    return [...this.map.values()].map((e) => e[1]);
  }

  entries(): [unknown, V][] {
    return [...this.map.values()].map((e) => [e[0], e[1]]);
  }

  clone(copyValue: (v: V) => V): PyDict<V> {
    const d = new PyDict<V>();
    for (const [h, [k, v]] of this.map) d.map.set(h, [k, copyValue(v)]);
    return d;
  }
}

/** Deep copy of JSON-like data (plain objects, arrays, PyDict, primitives); shipped data is frozen. */
export function copyValue<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(copyValue) as T;
  if (v instanceof PyDict) return v.clone(copyValue) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = copyValue(v[k]);
    return out as T;
  }
  return v; // PyFloat and PyTuple are immutable
}

/**
 * The canonical JSON form of the traces: dict keys as Python str() prints them, PyFloat as its number,
 * tuples as lists, sets as sorted lists. Always a fresh copy, so a caller may keep it.
 */
export function canonicalValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(canonicalValue);
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyTuple) return v.items.map(canonicalValue);
  if (v instanceof PyDict || v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v instanceof PyDict ? v.entries() : v.entries()) out[pyStr(k)] = canonicalValue(val);
    return out;
  }
  if (v instanceof Set) {
    return [...v].map(canonicalValue).sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1));
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = canonicalValue(val);
  return out;
}

/** Config value for `key` with Python dict.get semantics: an explicit null stays null. */
export function configValue(config: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(config, key) ? config[key] : fallback;
}
