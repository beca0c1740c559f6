// MathAPI: BFCL's stateless calculator. Results must print exactly as Python printed them, so each tool follows
// Python's number semantics (int vs float, true division, round-half-even, C pow) and its error behaviour as the
// traces show it: some tools check isinstance(x, (int, float)), others just try the operation and map TypeError to
// their message. logarithm returns mpmath values and square_root Decimal ones; a dict holding those is not JSON
// serializable, so BFCL recorded str(dict) and the tool returns that exact string.
import { PyException, type BfclApiClass } from "../api-class";
import { classTable } from "../data";
import { PyFloat, PyTuple, isPlainObject, pyFloatRepr, pyRepr, pyStr } from "../py-format";
import {
  DecimalInvalidOperation,
  MpZeroDivision,
  decimalFromNumber,
  decimalSqrt,
  decimalToString,
  correctlyRoundedPow,
  mpfFromNumber,
  mpmathLogRatioRepr,
  pyIntForDps,
  type Mpf,
} from "./math-api-precision";
import { pyEq, pyTruthy, pyTypeName } from "./py-semantics";

/** A Python int or float as this file computes with it. */
interface Num {
  value: number;
  isFloat: boolean;
}

/** isinstance(v, (int, float)); bool is an int. */
function isPyNumber(v: unknown): v is number | boolean | PyFloat | bigint {
  return typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" || v instanceof PyFloat;
}

function toNum(v: number | boolean | PyFloat | bigint): Num {
  if (v instanceof PyFloat) return { value: v.value, isFloat: true };
  if (typeof v === "boolean") return { value: v ? 1 : 0, isFloat: false };
  if (typeof v === "bigint") return { value: Number(v), isFloat: false };
  return { value: v, isFloat: !Number.isInteger(v) };
}

/** A result value: floats keep their ".0" when integral (PyFloat), ints stay plain numbers. */
function out(n: Num): unknown {
  return n.isFloat ? new PyFloat(n.value) : n.value;
}

function float(value: number): Num {
  return { value, isFloat: true };
}

function argOr(args: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(args, key) ? args[key] : fallback;
}

/** Python iteration as sum()/max() see it; TypeError for a non-iterable. */
function iterate(v: unknown): unknown[] {
  if (typeof v === "string") return [...v];
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return [...v.items];
  if (isPlainObject(v)) return Object.keys(v);
  throw new PyException("TypeError", `'${pyTypeName(v)}' object is not iterable`);
}

/** Python sum(items): a left fold from int 0; any non-number raises TypeError. */
function pySum(items: unknown[]): Num {
  let acc: Num = { value: 0, isFloat: false };
  for (const item of items) {
    if (!isPyNumber(item)) throw new PyException("TypeError", `unsupported operand type(s) for +: '${acc.isFloat ? "float" : "int"}' and '${pyTypeName(item)}'`);
    const n = toNum(item);
    acc = { value: acc.value + n.value, isFloat: acc.isFloat || n.isFloat };
  }
  return acc;
}

/** Python a > b for the values max()/min() compare; TypeError between unrelated types. */
function pyGreater(a: unknown, b: unknown): boolean {
  if (isPyNumber(a) && isPyNumber(b)) return toNum(a).value > toNum(b).value;
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b) > 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (!pyEq(a[i], b[i])) return pyGreater(a[i], b[i]);
    return a.length > b.length;
  }
  throw new PyException("TypeError", `'>' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function compareCodePoints(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i].codePointAt(0) as number) - (cb[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** Python max()/min(): the first extreme element wins ties. */
function pyExtreme(items: unknown[], wantMax: boolean): unknown {
  if (items.length === 0) throw new PyException("ValueError", `${wantMax ? "max" : "min"}() arg is an empty sequence`);
  let best = items[0];
  for (let i = 1; i < items.length; i++) {
    const x = items[i];
    if (wantMax ? pyGreater(x, best) : pyGreater(best, x)) best = x;
  }
  return best;
}

/** Python round(x, ndigits) for a float: correctly rounded, ties to even on the exact binary value. */
function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > 323) return x;
  if (ndigits < -308) return 0 * x;
  const m = mpfFromNumber(Math.abs(x));
  if (m.kind !== "finite") return x;
  let num = m.man;
  let den = 1n;
  if (m.exp >= 0) num <<= BigInt(m.exp);
  else den <<= BigInt(-m.exp);
  if (ndigits >= 0) num *= 10n ** BigInt(ndigits);
  else den *= 10n ** BigInt(-ndigits);
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  const magnitude = Number(`${q}e${-ndigits}`);
  return x < 0 ? -magnitude : magnitude;
}

/** Python round(n, ndigits) for an int: exact, ties to even. */
function roundInt(n: number, ndigits: number): number {
  if (ndigits >= 0) return n;
  if (ndigits < -400) return 0; // |n| < 10^309, so it rounds to zero
  const p = 10n ** BigInt(-ndigits);
  const big = BigInt(n);
  const neg = big < 0n;
  const a = neg ? -big : big;
  let q = a / p;
  const r2 = (a % p) * 2n;
  if (r2 > p || (r2 === p && (q & 1n) === 1n)) q += 1n;
  const result = Number(q * p);
  return neg ? -result : result;
}

/** Python's repr of a complex number, e.g. (1.7e-16+2.8j) or 2j: float reprs without a forced ".0". */
function complexRepr(re: number, im: number): string {
  const part = (x: number) => pyFloatRepr(x).replace(/\.0$/, "");
  if (re === 0 && !Object.is(re, -0)) return `${part(im)}j`;
  const sign = im < 0 || Object.is(im, -0) || Number.isNaN(im) ? "" : "+";
  return `(${part(re)}${sign}${part(im)}j)`;
}

/** Python's base ** exponent for ints and floats (ints stay exact). */
function pyPow(base: Num, exponent: Num): unknown {
  if (!base.isFloat && !exponent.isFloat && exponent.value >= 0) {
    if (Math.abs(base.value) > 1 && exponent.value * Math.log2(Math.abs(base.value)) > 4_000_000) {
      // Python would build an integer of millions of digits; refuse rather than stall a rollout.
      throw new PyException("MemoryError", "integer result too large for this port");
    }
    const exact = BigInt(base.value) ** BigInt(exponent.value);
    return exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : exact;
  }
  const x = base.value;
  const y = exponent.value;
  if (x === 0 && y < 0) throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
  if (x < 0 && !Number.isInteger(y)) {
    // float.__pow__ hands negative bases with fractional exponents to complex pow.
    const magnitude = correctlyRoundedPow(-x, y);
    const phase = Math.PI * y;
    return { __complexRepr: complexRepr(magnitude * Math.cos(phase), magnitude * Math.sin(phase)) };
  }
  const magnitude = x === 0 ? Math.pow(x, y) : correctlyRoundedPow(Math.abs(x), y);
  const r = x < 0 && Math.abs(y % 2) === 1 ? -magnitude : magnitude;
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) {
    throw new PyException("OverflowError", "(34, 'Numerical result out of range')");
  }
  return new PyFloat(r);
}

const BOTH_NUMBERS = { error: "Both inputs must be numbers" };
const LIST_OF_NUMBERS = { error: "All elements in the list must be numbers" };
const SQRT_ERROR = { error: "Input must be a number or computation resulted in an invalid operation" };

// Imperial conversion factors keyed "<unit_in>_to_<unit_out>"; the temperature pair also shifts by 32.
const IMPERIAL_FACTORS: Readonly<Record<string, number>> = {
  cm_to_in: 0.393701,
  in_to_cm: 2.54,
  m_to_ft: 3.28084,
  ft_to_m: 0.3048,
  m_to_yd: 1.09361,
  yd_to_m: 0.9144,
  km_to_miles: 0.621371,
  miles_to_km: 1.60934,
  kg_to_lb: 2.20462,
  lb_to_kg: 0.453592,
  celsius_to_fahrenheit: 9 / 5,
  fahrenheit_to_celsius: 5 / 9,
};

let toMetersCache: Readonly<Record<string, number>> | undefined;
function toMeters(): Readonly<Record<string, number>> {
  toMetersCache ??= classTable("math_api:MathAPI.si_unit_conversion:to_meters") as Record<string, number>;
  return toMetersCache;
}

/** mpmath's conversion of a log argument; its error text is what the tool reports. */
function mpfArg(v: unknown): Mpf {
  if (typeof v === "number") return mpfFromNumber(v);
  if (typeof v === "boolean") return mpfFromNumber(v ? 1 : 0);
  if (typeof v === "bigint") return mpfFromNumber(Number(v));
  if (v instanceof PyFloat) return mpfFromNumber(v.value);
  if (typeof v === "string") {
    const t = v.trim();
    if (t !== "" && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return mpfFromNumber(Number(t));
  }
  throw new Error(`cannot create mpf from ${pyRepr(v)}`);
}

/** Above this mp.dps the series here takes seconds; such a call fails instead of stalling a rollout. */
const MAX_LOG_DPS = 5000;

function logarithm(args: Record<string, unknown>): unknown {
  try {
    const dps = pyIntForDps(args.precision);
    if (dps > MAX_LOG_DPS) throw new PyException("MemoryError", `mp.dps above ${MAX_LOG_DPS} is not supported by this port`);
    const value = mpfArg(args.value);
    const base = mpfArg(args.base);
    return `{'result': ${mpmathLogRatioRepr(value, base, dps)}}`;
  } catch (e) {
    if (e instanceof PyException) throw e;
    // BFCL catches every exception and reports its text; mpmath's ZeroDivisionError has none.
    if (e instanceof MpZeroDivision) return { error: "" };
    if (e instanceof Error) return { error: e.message };
    throw e;
  }
}

function squareRoot(args: Record<string, unknown>): unknown {
  const number = args.number;
  const precision = args.precision;
  if (!isPyNumber(number)) return SQRT_ERROR;
  // getcontext().prec = precision: only an int is accepted, and it must be at least 1.
  const isInt = typeof precision === "boolean" || typeof precision === "bigint" || (typeof precision === "number" && Number.isInteger(precision));
  if (!isInt) return SQRT_ERROR;
  const prec = Number(precision);
  if (prec < 1 || prec > 999_999_999_999_999_999) throw new PyException("ValueError", "valid range for prec is [1, MAX_PREC]");
  // BFCL refuses a negative number itself, after setting the precision and before any digit is computed.
  if (toNum(number).value < 0) return { error: "Cannot calculate square root of a negative number" };
  if (prec > 100_000) throw new PyException("MemoryError", "precision too large for this port");
  try {
    const result = decimalSqrt(decimalFromNumber(toNum(number).value), prec);
    return `{'result': Decimal('${decimalToString(result)}')}`;
  } catch (e) {
    if (e instanceof DecimalInvalidOperation) return SQRT_ERROR;
    throw e;
  }
}

const tools: Record<string, (args: Record<string, unknown>) => unknown> = {
  add: ({ a, b }) => {
    if (isPyNumber(a) && isPyNumber(b)) {
      const x = toNum(a);
      const y = toNum(b);
      return { result: out({ value: x.value + y.value, isFloat: x.isFloat || y.isFloat }) };
    }
    if (typeof a === "string" && typeof b === "string") return { result: a + b };
    if (Array.isArray(a) && Array.isArray(b)) return { result: [...a, ...b] };
    return BOTH_NUMBERS;
  },

  subtract: ({ a, b }) => {
    if (!isPyNumber(a) || !isPyNumber(b)) return BOTH_NUMBERS;
    const x = toNum(a);
    const y = toNum(b);
    return { result: out({ value: x.value - y.value, isFloat: x.isFloat || y.isFloat }) };
  },

  multiply: ({ a, b }) => {
    if (!isPyNumber(a) || !isPyNumber(b)) return BOTH_NUMBERS;
    const x = toNum(a);
    const y = toNum(b);
    return { result: out({ value: x.value * y.value, isFloat: x.isFloat || y.isFloat }) };
  },

  divide: ({ a, b }) => {
    if (!isPyNumber(a) || !isPyNumber(b)) return BOTH_NUMBERS;
    const y = toNum(b);
    if (y.value === 0) return { error: "Cannot divide by zero" };
    return { result: out(float(toNum(a).value / y.value)) };
  },

  power: ({ base, exponent }) => {
    if (!isPyNumber(base) || !isPyNumber(exponent)) return BOTH_NUMBERS;
    const r = pyPow(toNum(base), toNum(exponent));
    if (r !== null && typeof r === "object" && "__complexRepr" in r) return `{'result': ${(r as { __complexRepr: string }).__complexRepr}}`;
    return { result: r };
  },

  absolute_value: ({ number }) => {
    if (!isPyNumber(number)) return { error: "Input must be a number" };
    const n = toNum(number);
    return { result: out({ value: Math.abs(n.value), isFloat: n.isFloat }) };
  },

  round_number: (args) => {
    const number = args.number;
    const places = argOr(args, "decimal_places", 0);
    const placesIsInt = typeof places === "boolean" || typeof places === "bigint" || (typeof places === "number" && Number.isInteger(places));
    if (!isPyNumber(number) || !placesIsInt) return { error: "First input must be a number, second input must be an integer" };
    const n = toNum(number);
    const nd = Number(places);
    return { result: n.isFloat ? new PyFloat(roundFloat(n.value, nd)) : roundInt(n.value, nd) };
  },

  percentage: ({ part, whole }) => {
    if (pyEq(whole, 0)) return { error: "Whole value cannot be zero" };
    if (!isPyNumber(part) || !isPyNumber(whole)) return BOTH_NUMBERS;
    return { result: out(float((toNum(part).value / toNum(whole).value) * 100)) };
  },

  sum_values: ({ numbers }) => {
    if (!pyTruthy(numbers)) return { error: "Cannot calculate sum of an empty list" };
    try {
      return { result: out(pySum(iterate(numbers))) };
    } catch (e) {
      if (e instanceof PyException && e.pyType === "TypeError") return LIST_OF_NUMBERS;
      throw e;
    }
  },

  mean: ({ numbers }) => {
    if (!pyTruthy(numbers)) return { error: "Cannot calculate mean of an empty list" };
    try {
      const items = iterate(numbers);
      return { result: out(float(pySum(items).value / items.length)) };
    } catch (e) {
      if (e instanceof PyException && e.pyType === "TypeError") return LIST_OF_NUMBERS;
      throw e;
    }
  },

  standard_deviation: ({ numbers }) => {
    if (!pyTruthy(numbers)) return { error: "Cannot calculate standard deviation of an empty list" };
    try {
      const items = iterate(numbers);
      const mean = pySum(items).value / items.length;
      let squares = 0;
      for (const x of items) {
        const d = toNum(x as number).value - mean;
        squares += d * d;
      }
      return { result: out(float(Math.sqrt(squares / items.length))) };
    } catch (e) {
      if (e instanceof PyException && e.pyType === "TypeError") return LIST_OF_NUMBERS;
      throw e;
    }
  },

  max_value: ({ numbers }) => {
    if (!pyTruthy(numbers)) return { error: "Cannot find maximum of an empty list" };
    try {
      return { result: pyExtreme(iterate(numbers), true) };
    } catch (e) {
      if (e instanceof PyException && e.pyType === "TypeError") return LIST_OF_NUMBERS;
      throw e;
    }
  },

  min_value: ({ numbers }) => {
    if (!pyTruthy(numbers)) return { error: "Cannot find minimum of an empty list" };
    try {
      return { result: pyExtreme(iterate(numbers), false) };
    } catch (e) {
      if (e instanceof PyException && e.pyType === "TypeError") return LIST_OF_NUMBERS;
      throw e;
    }
  },

  si_unit_conversion: ({ value, unit_in: unitIn, unit_out: unitOut }) => {
    if (!isPyNumber(value)) return { error: "Value must be a number" };
    const table = toMeters();
    const has = (unit: unknown) => {
      if (Array.isArray(unit) || (unit !== null && typeof unit === "object" && !(unit instanceof PyFloat))) {
        throw new PyException("TypeError", `unhashable type: '${pyTypeName(unit)}'`);
      }
      return typeof unit === "string" && Object.prototype.hasOwnProperty.call(table, unit);
    };
    if (!has(unitIn) || !has(unitOut)) {
      return { error: `Conversion from '${pyStr(unitIn)}' to '${pyStr(unitOut)}' is not supported` };
    }
    // BFCL multiplies by a from-meters factor computed as 1 / to_meters[unit] (1 / 1e-9 is not 1e9).
    const meters = toNum(value).value * table[unitIn as string];
    return { result: out(float(meters * (1 / table[unitOut as string]))) };
  },

  imperial_si_conversion: ({ value, unit_in: unitIn, unit_out: unitOut }) => {
    if (!isPyNumber(value)) return { error: "Value must be a number" };
    if (pyEq(unitIn, unitOut)) return { result: value };
    const key = `${pyStr(unitIn)}_to_${pyStr(unitOut)}`;
    if (!Object.prototype.hasOwnProperty.call(IMPERIAL_FACTORS, key)) {
      return { error: `Conversion from '${pyStr(unitIn)}' to '${pyStr(unitOut)}' is not supported` };
    }
    const v = toNum(value).value;
    const factor = IMPERIAL_FACTORS[key];
    if (unitIn === "celsius" && unitOut === "fahrenheit") return { result: out(float(v * factor + 32)) };
    if (unitIn === "fahrenheit" && unitOut === "celsius") return { result: out(float((v - 32) * factor)) };
    return { result: out(float(v * factor)) };
  },

  logarithm,
  square_root: squareRoot,
};

export function createMathAPI(): BfclApiClass {
  return {
    className: "MathAPI",
    loadScenario() {},
    publicState: () => ({}),
    tools,
    snapshot: () => null,
    restore() {},
  };
}
