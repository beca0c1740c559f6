// Arbitrary-precision pieces MathAPI needs to print exactly what Python printed: mpmath's log at `mp.dps`
// (binary floating point, round-half-even, printed by mpmath's repr) and decimal's Decimal.sqrt at
// `getcontext().prec` (correctly rounded, ideal exponent). Pure BigInt arithmetic; imported by math-api.ts only.

// ---------------------------------------------------------------------------------------------------------------
// mpmath: a value is sign * man * 2^exp with an odd mantissa, or one of the specials.

export type Mpf =
  | { kind: "finite"; sign: 0 | 1; man: bigint; exp: number }
  | { kind: "zero" }
  | { kind: "inf"; sign: 0 | 1 }
  | { kind: "nan" };

const ZERO: Mpf = { kind: "zero" };
const NAN: Mpf = { kind: "nan" };

/** math.log(10, 2) as Python computes it; mpmath uses it to size digit conversions. */
const LOG2_10 = 3.3219280948873626;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function trailingZeros(n: bigint): number {
  let count = 0;
  while ((n & 0xffffffffn) === 0n) {
    n >>= 32n;
    count += 32;
  }
  while ((n & 1n) === 0n) {
    n >>= 1n;
    count++;
  }
  return count;
}

type Rounding = "nearest" | "down";

/** mpmath's normalize(): round |man| * 2^exp to `prec` bits (nearest-even or toward zero), strip trailing zeros. */
function normalize(sign: 0 | 1, man: bigint, exp: number, prec: number, rounding: Rounding = "nearest"): Mpf {
  if (man === 0n) return ZERO;
  const bc = bitLength(man);
  if (bc > prec) {
    const shift = bc - prec;
    const big = BigInt(shift);
    let q = man >> big;
    if (rounding === "nearest") {
      const r = man & ((1n << big) - 1n);
      const half = 1n << (big - 1n);
      if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
    }
    man = q;
    exp += shift;
  }
  const tz = trailingZeros(man);
  if (tz > 0) {
    man >>= BigInt(tz);
    exp += tz;
  }
  return { kind: "finite", sign, man, exp };
}

/** The exact value of a double (mpmath converts Python floats and ints without rounding). */
export function mpfFromNumber(x: number): Mpf {
  if (Number.isNaN(x)) return NAN;
  if (!Number.isFinite(x)) return { kind: "inf", sign: x < 0 ? 1 : 0 };
  if (x === 0) return ZERO;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let man = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    man |= 1n << 52n;
    exp = biased - 1075;
  }
  return normalize(x < 0 ? 1 : 0, man, exp, Infinity);
}

// Fixed-point constants, cached at the largest precision asked so far.
let ln2Cache: { bits: number; value: bigint } | undefined;
let piCache: { bits: number; value: bigint } | undefined;

/** atanh(1/k) * 2^bits, by its Taylor series. */
function atanhInverse(k: bigint, bits: number): bigint {
  const one = 1n << BigInt(bits);
  const k2 = k * k;
  let term = one / k;
  let sum = term;
  for (let n = 3n; term !== 0n; n += 2n) {
    term /= k2;
    sum += term / n;
  }
  return sum;
}

/** atan(1/k) * 2^bits. */
function atanInverse(k: bigint, bits: number): bigint {
  const one = 1n << BigInt(bits);
  const k2 = k * k;
  let term = one / k;
  let sum = term;
  let positive = false;
  for (let n = 3n; term !== 0n; n += 2n) {
    term /= k2;
    sum += positive ? term / n : -(term / n);
    positive = !positive;
  }
  return sum;
}

function ln2Fixed(bits: number): bigint {
  if (!ln2Cache || ln2Cache.bits < bits) {
    const work = bits + 64;
    ln2Cache = { bits: work, value: 2n * atanhInverse(3n, work) };
  }
  return ln2Cache.value >> BigInt(ln2Cache.bits - bits);
}

function piFixed(bits: number): bigint {
  if (!piCache || piCache.bits < bits) {
    const work = bits + 64;
    piCache = { bits: work, value: 16n * atanInverse(5n, work) - 4n * atanInverse(239n, work) };
  }
  return piCache.value >> BigInt(piCache.bits - bits);
}

/** ln(x) for finite x > 0, correctly rounded to prec bits (mpmath keeps 20+ guard bits; ties cannot occur). */
function lnPositive(man: bigint, exp: number, prec: number): Mpf {
  if (man === 1n && exp === 0) return ZERO;
  // A double is at least 2^-53 away from 1, so |ln x| > 2^-54: 100 extra bits cover the cancellation and k*ln2.
  const bits = prec + 100;
  const total = lnFixed(man, exp, bits);
  return total < 0n ? normalize(1, -total, -bits, prec) : normalize(0, total, -bits, prec);
}

/** ln(man * 2^exp) * 2^bits, truncated; the error is a few units in the last place. */
function lnFixed(man: bigint, exp: number, bits: number): bigint {
  const bc = bitLength(man);
  // x = m * 2^k with m = man / 2^f in [1, 2); pull m into [1/sqrt2, sqrt2] so the series converges fast.
  let f = bc - 1;
  let k = exp + bc - 1;
  // m > sqrt(2) <=> man^2 > 2 * 4^f
  if (man * man > 1n << BigInt(2 * f + 1)) {
    f += 1;
    k += 1;
  }
  const denomBase = 1n << BigInt(f);
  // ln m = 2 atanh(s), s = (m - 1) / (m + 1)
  // The series runs on |s| (shifting a negative BigInt floors toward -infinity and would never reach 0).
  const negative = man < denomBase;
  const s = ((negative ? denomBase - man : man - denomBase) << BigInt(bits)) / (man + denomBase);
  const s2 = (s * s) >> BigInt(bits);
  let term = s;
  let sum = s;
  for (let n = 3n; term !== 0n; n += 2n) {
    term = (term * s2) >> BigInt(bits);
    sum += term / n;
  }
  return 2n * (negative ? -sum : sum) + BigInt(k) * ln2Fixed(bits);
}

/** A normalized finite mpf of at most 53 bits as a double (exact). */
function smallMpfToDouble(sign: 0 | 1, man: bigint, exp: number): number {
  // Two steps so that neither power of two under- or overflows on its own.
  const half = Math.trunc(exp / 2);
  const v = Number(man) * 2 ** half * 2 ** (exp - half);
  return sign ? -v : v;
}

/** Round sign * man * 2^exp (man > 0) to the nearest double, ties to even, subnormals included. */
function roundToDouble(sign: 0 | 1, man: bigint, exp: number): number {
  const top = bitLength(man) - 1 + exp; // exponent of the leading bit
  if (top > 1023) return sign ? -Infinity : Infinity;
  const prec = top >= -1022 ? 53 : 53 - (-1022 - top);
  if (prec <= 0) {
    // Below half the smallest subnormal it rounds to zero; exactly half rounds to even (zero) as well.
    const halfMin = -1075;
    const aboveHalf = top > halfMin || (top === halfMin && (man & (man - 1n)) !== 0n);
    return aboveHalf && prec === 0 ? (sign ? -(2 ** -1074) : 2 ** -1074) : sign ? -0 : 0;
  }
  const r = normalize(sign, man, exp, prec);
  if (r.kind !== "finite") return sign ? -0 : 0;
  return smallMpfToDouble(r.sign, r.man, r.exp);
}

/**
 * C's pow(x, y) for finite x > 0 and finite y, correctly rounded (glibc's pow is, and V8's Math.pow is not).
 * Integer exponents are computed exactly; others as exp(y ln x) with ample guard bits.
 */
export function correctlyRoundedPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  const xm = mpfFromNumber(x);
  const ym = mpfFromNumber(y);
  if (xm.kind !== "finite" || ym.kind !== "finite") return Math.pow(x, y);
  if (Number.isInteger(y) && Math.abs(y) <= 4096) {
    const n = Math.abs(y);
    const man = xm.man ** BigInt(n);
    const exp = xm.exp * n;
    if (y > 0) return roundToDouble(0, man, exp);
    // 1 / (man * 2^exp): divide with enough quotient bits and a sticky bit.
    const shift = bitLength(man) + 60;
    const num = 1n << BigInt(shift);
    let q = num / man;
    let qexp = -shift - exp;
    if (num % man !== 0n) {
      q = (q << 1n) | 1n;
      qexp -= 1;
    }
    return roundToDouble(0, q, qexp);
  }
  const yMagnitude = Math.max(0, Math.ceil(Math.log2(Math.abs(y))));
  const bits = 160 + yMagnitude;
  const ln = lnFixed(xm.man, xm.exp, bits);
  // t = y * ln(x) in the same fixed point
  let t = ln * (ym.sign ? -ym.man : ym.man);
  t = ym.exp >= 0 ? t << BigInt(ym.exp) : t / (1n << BigInt(-ym.exp));
  const approx = Number(t) / 2 ** bits;
  if (approx > 710) return Infinity;
  if (approx < -746) return 0;
  const ln2 = ln2Fixed(bits);
  const n = BigInt(Math.round(approx / Math.LN2));
  const r = t - n * ln2;
  const one = 1n << BigInt(bits);
  let term = one;
  let sum = one;
  for (let k = 1n; term !== 0n; k++) {
    term = (term * r) / one / k;
    sum += term;
  }
  return roundToDouble(0, sum, Number(n) - bits);
}

/** mpmath's mpf_log: -inf for 0, ComplexResult (null here) for negative numbers. */
function mpfLog(x: Mpf, prec: number): Mpf | null {
  switch (x.kind) {
    case "zero":
      return { kind: "inf", sign: 1 };
    case "nan":
      return NAN;
    case "inf":
      return x.sign ? null : x;
    default:
      return x.sign ? null : lnPositive(x.man, x.exp, prec);
  }
}

function mpfPi(prec: number): Mpf {
  const bits = prec + 20;
  return normalize(0, piFixed(bits), -bits, prec);
}

function mpfNeg(x: Mpf): Mpf {
  if (x.kind === "finite") return { ...x, sign: x.sign ? 0 : 1 };
  if (x.kind === "inf") return { kind: "inf", sign: x.sign ? 0 : 1 };
  return x;
}

function mpfSign(x: Mpf): number {
  if (x.kind === "finite" || x.kind === "inf") return x.sign ? -1 : 1;
  return 0;
}

export class MpZeroDivision extends Error {}

/** mpmath's mpf_div, correctly rounded; 0/0 and x/0 raise ZeroDivisionError (with an empty message). */
function mpfDiv(s: Mpf, t: Mpf, prec: number, rounding: Rounding = "nearest"): Mpf {
  if (s.kind !== "finite" || t.kind !== "finite") {
    if (s.kind === "zero") {
      if (t.kind === "zero") throw new MpZeroDivision("");
      if (t.kind === "nan") return NAN;
      return ZERO;
    }
    if (t.kind === "zero") throw new MpZeroDivision("");
    const sSpecial = s.kind === "inf" || s.kind === "nan";
    const tSpecial = t.kind === "inf" || t.kind === "nan";
    if (sSpecial && tSpecial) return NAN;
    if (s.kind === "nan" || t.kind === "nan") return NAN;
    if (!tSpecial) return { kind: "inf", sign: mpfSign(s) * mpfSign(t) < 0 ? 1 : 0 };
    return ZERO;
  }
  const sign: 0 | 1 = s.sign === t.sign ? 0 : 1;
  const shift = Math.max(0, prec + 3 - (bitLength(s.man) - bitLength(t.man)));
  const num = s.man << BigInt(shift);
  let q = num / t.man;
  let exp = s.exp - t.exp - shift;
  if (num % t.man !== 0n) {
    // A sticky bit below every bit that rounding looks at.
    q = (q << 1n) | 1n;
    exp -= 1;
  }
  return normalize(sign, q, exp, prec, rounding);
}

/** Exact product (mpf_mul without a precision). */
function mpfMulExact(a: Mpf, b: Mpf): Mpf {
  if (a.kind === "finite" && b.kind === "finite") {
    return { kind: "finite", sign: a.sign === b.sign ? 0 : 1, man: a.man * b.man, exp: a.exp + b.exp };
  }
  if (a.kind === "nan" || b.kind === "nan") return NAN;
  if (a.kind === "zero" || b.kind === "zero") return a.kind === "inf" || b.kind === "inf" ? NAN : ZERO;
  return { kind: "inf", sign: mpfSign(a) * mpfSign(b) < 0 ? 1 : 0 };
}

/** mpf_add at `prec` with mpmath's default round_fast (toward zero), as mpc_div uses it. */
function mpfAddDown(a: Mpf, b: Mpf, prec: number): Mpf {
  if (a.kind === "zero") return b.kind === "finite" ? normalize(b.sign, b.man, b.exp, prec, "down") : b;
  if (b.kind === "zero") return a.kind === "finite" ? normalize(a.sign, a.man, a.exp, prec, "down") : a;
  if (a.kind !== "finite" || b.kind !== "finite") {
    if (a.kind === "nan" || b.kind === "nan") return NAN;
    if (a.kind === "inf" && b.kind === "inf") return a.sign === b.sign ? a : NAN;
    return a.kind === "inf" ? a : b;
  }
  const e = Math.min(a.exp, b.exp);
  const va = (a.sign ? -a.man : a.man) << BigInt(a.exp - e);
  const vb = (b.sign ? -b.man : b.man) << BigInt(b.exp - e);
  const sum = va + vb;
  if (sum === 0n) return ZERO;
  return sum < 0n ? normalize(1, -sum, e, prec, "down") : normalize(0, sum, e, prec, "down");
}

type Mpc = [Mpf, Mpf];

/** mpmath's mpc_div. */
function mpcDiv(z: Mpc, w: Mpc, prec: number): Mpc {
  const [a, b] = z;
  const [c, d] = w;
  const wp = prec + 10;
  const mag = mpfAddDown(mpfMulExact(c, c), mpfMulExact(d, d), wp);
  const t = mpfAddDown(mpfMulExact(a, c), mpfMulExact(b, d), wp);
  const u = mpfAddDown(mpfMulExact(b, c), mpfNeg(mpfMulExact(a, d)), wp);
  return [mpfDiv(t, mag, prec), mpfDiv(u, mag, prec)];
}

// ---------------------------------------------------------------------------------------------------------------
// mpmath's precision bookkeeping and repr.

/** Python int() of a value used as mp.dps; throws the TypeError/ValueError Python would. */
export function pyIntForDps(n: unknown): number {
  if (typeof n === "boolean") return n ? 1 : 0;
  if (typeof n === "number") {
    if (!Number.isFinite(n)) throw new Error(Number.isNaN(n) ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer");
    return Math.trunc(n);
  }
  if (typeof n === "string") {
    const t = n.trim().replace(/_/g, "");
    if (/^[+-]?\d+$/.test(t)) return Number(t);
    throw new Error(`invalid literal for int() with base 10: ${pyQuote(n)}`);
  }
  const type = n === null || n === undefined ? "NoneType" : Array.isArray(n) ? "list" : "dict";
  throw new Error(`int() argument must be a string, a bytes-like object or a real number, not '${type}'`);
}

function pyQuote(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Python round() of a float to an int: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function dpsToPrec(dps: number): number {
  return Math.max(1, roundHalfEven((dps + 1) * LOG2_10));
}

function precToDps(prec: number): number {
  return Math.max(1, roundHalfEven(prec / LOG2_10) - 1);
}

function reprDps(prec: number): number {
  const dps = precToDps(prec);
  return dps === 15 ? 17 : dps + 3;
}

/** mpmath's to_digits_exp: digits rounded toward zero, and the decimal exponent of the first digit. */
function toDigitsExp(x: Extract<Mpf, { kind: "finite" }>, dps: number): { digits: string; exponent: number } {
  const bitprec = Math.trunc(dps * LOG2_10) + 10;
  const bc = bitLength(x.man);
  if (Math.abs(x.exp + bc) > 3500) throw new Error("magnitude out of the range this port prints");
  const fixprec = Math.max(bitprec - x.exp - bc, 0);
  const fixdps = Math.trunc(fixprec / LOG2_10 + 0.5);
  const offset = x.exp + fixprec;
  const sf = offset >= 0 ? x.man << BigInt(offset) : x.man >> BigInt(-offset);
  const sd = (sf * 10n ** BigInt(fixdps)) >> BigInt(fixprec);
  const digits = sd.toString();
  return { digits, exponent: digits.length - fixdps - 1 };
}

/** mpmath's to_str(x, dps) with default options. */
function mpfToStr(x: Mpf, dps: number): string {
  switch (x.kind) {
    case "zero":
      return "0.0";
    case "inf":
      return x.sign ? "-inf" : "+inf";
    case "nan":
      return "nan";
    default:
      break;
  }
  const sign = x.sign ? "-" : "";
  const minFixed = Math.min(-Math.floor(dps / 3), -5);
  const maxFixed = dps;
  let { digits, exponent } = toDigitsExp(x, dps + 3);
  if (digits.length > dps && "56789".includes(digits[dps])) {
    digits = digits.slice(0, dps);
    let i = dps - 1;
    while (i >= 0 && digits[i] === "9") i--;
    if (i >= 0) digits = digits.slice(0, i) + String(Number(digits[i]) + 1) + "0".repeat(dps - i - 1);
    else {
      digits = "1" + "0".repeat(dps - 1);
      exponent += 1;
    }
  } else digits = digits.slice(0, dps);
  let split: number;
  if (minFixed < exponent && exponent < maxFixed) {
    if (exponent < 0) {
      digits = "0".repeat(-exponent) + digits;
      split = 1;
    } else {
      split = exponent + 1;
      if (split > dps) digits += "0".repeat(split - dps);
    }
    exponent = 0;
  } else split = 1;
  digits = `${digits.slice(0, split)}.${digits.slice(split)}`;
  digits = digits.replace(/0+$/, "");
  if (digits.endsWith(".")) digits += "0";
  if (exponent === 0) return sign + digits;
  return exponent > 0 ? `${sign}${digits}e+${exponent}` : `${sign}${digits}e${exponent}`;
}

/** What `mpmath.log(value) / mpmath.log(base)` evaluates to at mp.dps = dps, as Python's repr prints it. */
export function mpmathLogRatioRepr(value: Mpf, base: Mpf, dps: number): string {
  const prec = dpsToPrec(dps);
  const digits = reprDps(prec);
  const lnValue = mpfLog(value, prec);
  const lnBase = mpfLog(base, prec);
  if (lnValue && lnBase) return `mpf('${mpfToStr(mpfDiv(lnValue, lnBase, prec), digits)}')`;
  // The log of a negative number is complex: (ln|x|, pi).
  const asComplex = (x: Mpf, ln: Mpf | null): Mpc => (ln ? [ln, ZERO] : [mpfLog(mpfNeg(x), prec) as Mpf, mpfPi(prec)]);
  const z = asComplex(value, lnValue);
  const w = asComplex(base, lnBase);
  let re: Mpf;
  let im: Mpf;
  if (!lnBase) [re, im] = mpcDiv(z, w, prec);
  else [re, im] = [mpfDiv(z[0], w[0], prec), mpfDiv(z[1], w[0], prec)];
  return `mpc(real='${mpfToStr(re, digits)}', imag='${mpfToStr(im, digits)}')`;
}

// ---------------------------------------------------------------------------------------------------------------
// decimal: Decimal(number).sqrt() under getcontext().prec = prec (ROUND_HALF_EVEN).

export interface PyDecimal {
  sign: 0 | 1;
  /** Coefficient digits, or "Infinity" / "NaN". */
  coeff: bigint | "Infinity" | "NaN";
  exp: number;
}

export class DecimalInvalidOperation extends Error {}

/** Decimal(x) for an int or float: exact. */
export function decimalFromNumber(x: number): PyDecimal {
  if (Number.isNaN(x)) return { sign: 0, coeff: "NaN", exp: 0 };
  if (!Number.isFinite(x)) return { sign: x < 0 ? 1 : 0, coeff: "Infinity", exp: 0 };
  const sign: 0 | 1 = x < 0 || Object.is(x, -0) ? 1 : 0;
  const m = mpfFromNumber(Math.abs(x));
  if (m.kind !== "finite") return { sign, coeff: 0n, exp: 0 };
  if (m.exp >= 0) return { sign, coeff: m.man << BigInt(m.exp), exp: 0 };
  // man / 2^k = man * 5^k / 10^k
  return { sign, coeff: m.man * 5n ** BigInt(-m.exp), exp: m.exp };
}

/** Decimal(str): the numeric string syntax; anything else is InvalidOperation (ConversionSyntax). */
export function decimalFromString(text: string): PyDecimal {
  const t = text.trim().replace(/_/g, "");
  const special = /^([+-]?)(inf|infinity|s?nan\d*)$/i.exec(t);
  if (special) {
    const sign: 0 | 1 = special[1] === "-" ? 1 : 0;
    return { sign, coeff: /nan/i.test(special[2]) ? "NaN" : "Infinity", exp: 0 };
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new DecimalInvalidOperation("[<class 'decimal.ConversionSyntax'>]");
  const frac = m[3] ?? "";
  return { sign: m[1] === "-" ? 1 : 0, coeff: BigInt(`${m[2]}${frac}` || "0"), exp: Number(m[4] ?? 0) - frac.length };
}

function digitCount(n: bigint): number {
  return n === 0n ? 1 : n.toString().length;
}

/** Round a coefficient to `prec` digits, half to even (Decimal._fix for ordinary exponents). */
function fixDecimal(sign: 0 | 1, coeff: bigint, exp: number, prec: number): PyDecimal {
  const len = digitCount(coeff);
  if (len <= prec) return { sign, coeff, exp };
  const drop = len - prec;
  const div = 10n ** BigInt(drop);
  let q = coeff / div;
  const r2 = (coeff % div) * 2n;
  if (r2 > div || (r2 === div && (q & 1n) === 1n)) q += 1n;
  exp += drop;
  if (digitCount(q) > prec) {
    q /= 10n;
    exp += 1;
  }
  return { sign, coeff: q, exp };
}

/** Decimal.sqrt() at precision `prec` (the pure-Python decimal algorithm; C decimal gives the same results). */
export function decimalSqrt(x: PyDecimal, prec: number): PyDecimal {
  if (x.coeff === "NaN") return x;
  if (x.coeff === "Infinity") {
    if (x.sign === 0) return x;
    throw new DecimalInvalidOperation("[<class 'decimal.InvalidOperation'>]");
  }
  if (x.coeff === 0n) return fixDecimal(x.sign, 0n, Math.floor(x.exp / 2), prec);
  if (x.sign === 1) throw new DecimalInvalidOperation("[<class 'decimal.InvalidOperation'>]");
  const work = prec + 1;
  let e = Math.floor(x.exp / 2);
  const len = digitCount(x.coeff);
  let c: bigint;
  let l: number;
  if (x.exp & 1) {
    c = x.coeff * 10n;
    l = (len >> 1) + 1;
  } else {
    c = x.coeff;
    l = (len + 1) >> 1;
  }
  const shift = work - l;
  let exact: boolean;
  if (shift >= 0) {
    c *= 100n ** BigInt(shift);
    exact = true;
  } else {
    const div = 100n ** BigInt(-shift);
    exact = c % div === 0n;
    c /= div;
  }
  e -= shift;
  let n = 10n ** BigInt(work);
  for (;;) {
    const q = c / n;
    if (n <= q) break;
    n = (n + q) >> 1n;
  }
  exact = exact && n * n === c;
  if (exact) {
    if (shift >= 0) n /= 10n ** BigInt(shift);
    else n *= 10n ** BigInt(-shift);
    e += shift;
  } else if (n % 5n === 0n) n += 1n;
  return fixDecimal(0, n, e, prec);
}

/** str(Decimal): scientific notation when the exponent is positive or the number is very small. */
export function decimalToString(d: PyDecimal): string {
  const sign = d.sign ? "-" : "";
  if (d.coeff === "Infinity") return `${sign}Infinity`;
  if (d.coeff === "NaN") return `${sign}NaN`;
  const digits = d.coeff.toString();
  const leftdigits = d.exp + digits.length;
  const dotplace = d.exp <= 0 && leftdigits > -6 ? leftdigits : 1;
  let intpart: string;
  let fracpart: string;
  if (dotplace <= 0) {
    intpart = "0";
    fracpart = `.${"0".repeat(-dotplace)}${digits}`;
  } else if (dotplace >= digits.length) {
    intpart = digits + "0".repeat(dotplace - digits.length);
    fracpart = "";
  } else {
    intpart = digits.slice(0, dotplace);
    fracpart = `.${digits.slice(dotplace)}`;
  }
  const expPart = leftdigits === dotplace ? "" : `E${leftdigits - dotplace >= 0 ? "+" : "-"}${Math.abs(leftdigits - dotplace)}`;
  return sign + intpart + fracpart + expPart;
}
