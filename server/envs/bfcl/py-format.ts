// Python value formatting as BFCL records results: str(), repr(), json.dumps() of values the API classes return.
// Plain JS values stand for Python ones (see api-class.ts PyValue); PyFloat and PyTuple cover what JS cannot express.

/** A Python float. Needed only where the value is integral and must print "3.0" rather than "3". */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** A Python tuple: prints "(1, 2)", dumps to JSON as a list. */
export class PyTuple {
  readonly items: readonly unknown[];
  constructor(items: readonly unknown[]) {
    this.items = items;
  }
  toJSON(): readonly unknown[] {
    return this.items;
  }
}

// Number-to-shortest-string is slow in V8 (~200 ns); long-context results print thousands of the same floats.
const FLOAT_CACHE_LIMIT = 100_000;
const floatCache = new Map<number, string>();

/** Python float repr: shortest round-trip digits; scientific notation outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  let cached = floatCache.get(x);
  if (cached === undefined) {
    cached = floatRepr(x);
    if (floatCache.size >= FLOAT_CACHE_LIMIT) floatCache.clear();
    floatCache.set(x, cached);
  }
  return cached;
}

function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  // In this range JS prints the same shortest digits in fixed notation; only integral values lack Python's ".0".
  if (abs >= 1e-4 && abs < 1e16) {
    const text = String(x);
    return Number.isInteger(x) ? `${text}.0` : text;
  }
  const sign = x < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest digits that round-trip, like Python's repr.
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  if (exp >= 0 && exp < 16) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
  }
  if (exp < 0 && exp >= -4) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expSign = exp < 0 ? "-" : "+";
  return `${sign}${mant}e${expSign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** A JS number printed as Python would: integral values as int, others as float repr. */
function pyNumberStr(x: number): string {
  if (Number.isInteger(x)) {
    if (Math.abs(x) < 1e21) return String(x === 0 ? 0 : x);
    return BigInt(x).toString();
  }
  return pyFloatRepr(x);
}

// Python's str.isprintable() is false for categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than the space.
const NON_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python repr() of a str: single quotes unless the text has ' and no ", escapes as CPython writes them. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code < 0x7f || ch === " ") out += ch;
    else if (NON_PRINTABLE.test(ch)) {
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Python repr() of a value (strings quoted). */
export function pyRepr(value: unknown): string {
  if (typeof value === "string") return pyStrRepr(value);
  return pyStr(value);
}

/** Python str() of a value: strings as they are at the top level, repr() for everything inside containers. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "True" : "False";
    case "number":
      return pyNumberStr(value);
    case "bigint":
      return value.toString();
    default:
      break;
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (value instanceof PyTuple) {
    const parts = value.items.map(pyRepr);
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(`${pyRepr(k)}: ${pyRepr(v)}`);
    return `{${parts.join(", ")}}`;
  }
  if (value instanceof Set) {
    if (value.size === 0) return "set()";
    return `{${[...value].map(pyRepr).join(", ")}}`;
  }
  if (typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`);
    return `{${parts.join(", ")}}`;
  }
  return String(value);
}

/** A JSON string literal with json.dumps(ensure_ascii=True) escaping. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function pyJsonString(s: string): string {
  if (JSON_PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22) out += '\\"';
      else if (c === 0x5c) out += "\\\\";
      else out += s[i];
      continue;
    }
    switch (c) {
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      default:
        // JS strings are UTF-16 already, so astral characters come out as surrogate pairs, as in Python.
        out += `\\u${c.toString(16).padStart(4, "0")}`;
    }
  }
  return out + '"';
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return pyFloatRepr(x);
}

function jsonKey(key: unknown): string {
  if (typeof key === "string") return pyJsonString(key);
  if (key === true) return '"true"';
  if (key === false) return '"false"';
  if (key === null || key === undefined) return '"null"';
  if (typeof key === "number") return `"${Number.isInteger(key) ? pyNumberStr(key) : jsonFloat(key)}"`;
  if (key instanceof PyFloat) return `"${jsonFloat(key.value)}"`;
  throw new TypeError(`keys must be str, int, float, bool or None, not ${typeof key}`);
}

/** Python json.dumps(value) with default arguments: ", " and ": " separators, ensure_ascii, no key sorting. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return pyJsonString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isInteger(value) ? pyNumberStr(value) : jsonFloat(value);
    case "bigint":
      return value.toString();
    default:
      break;
  }
  if (Array.isArray(value)) {
    // A loop with string appends: long-context results hold lists of thousands of numbers.
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ", ";
      const item: unknown = value[i];
      if (typeof item === "number") out += Number.isInteger(item) ? pyNumberStr(item) : jsonFloat(item);
      else if (typeof item === "string") out += pyJsonString(item);
      else out += pyJsonDumps(item);
    }
    return out + "]";
  }
  if (value instanceof PyFloat) return jsonFloat(value.value);
  if (value instanceof PyTuple) return pyJsonDumps(value.items);
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(`${jsonKey(k)}: ${pyJsonDumps(v)}`);
    return `{${parts.join(", ")}}`;
  }
  if (value instanceof Set) throw new TypeError("Object of type set is not JSON serializable");
  if (typeof value === "object") {
    let out = "{";
    let first = true;
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      if (!first) out += ", ";
      first = false;
      out += `${pyJsonString(k)}: ${pyJsonDumps((value as Record<string, unknown>)[k])}`;
    }
    return out + "}";
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

/** The result string BFCL records for a tool's return value: str as is, dict as json.dumps, anything else str(). */
export function formatResult(value: unknown): string {
  if (typeof value === "string") return value;
  if (isPlainObject(value) || value instanceof Map) {
    try {
      return pyJsonDumps(value);
    } catch {
      return pyStr(value);
    }
  }
  return pyStr(value);
}
