// Bit-exact port of CPython's random.Random(seed) for integer seeds (Mersenne Twister MT19937, Python 3.x
// methods built on getrandbits). BFCL classes draw ids from it, and those ids appear as literals in ground truth.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_32 = 4294967296;

export interface PyRandomSnapshot {
  mt: number[];
  index: number;
}

export class PyRandom {
  private mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /** random.seed(n) for an int n: init_by_array over the 32-bit words of abs(n), least significant first. */
  seed(seed: number | bigint): void {
    let n = typeof seed === "bigint" ? seed : BigInt(Math.trunc(seed));
    if (typeof seed === "number" && !Number.isInteger(seed)) throw new TypeError("PyRandom supports integer seeds only");
    if (n < 0n) n = -n;
    const key: number[] = [];
    while (n > 0n) {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i, mod 2^32, without losing precision.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  /** One 32-bit output of the generator (genrand_uint32). */
  genrandUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk++) {
        y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.random(): a float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.genrandUint32() >>> 5;
    const b = this.genrandUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** random.getrandbits(k) for k >= 0, as a bigint (words drawn least significant first, as CPython does). */
  getrandbits(k: number): bigint {
    if (!Number.isInteger(k) || k < 0) throw new RangeError("number of bits must be non-negative");
    if (k <= 32) return BigInt(this.getrandbitsSmall(k));
    let result = 0n;
    let shift = 0n;
    for (let remaining = k; remaining > 0; remaining -= 32) {
      let r = this.genrandUint32();
      if (remaining < 32) r >>>= 32 - remaining;
      result |= BigInt(r) << shift;
      shift += 32n;
    }
    return result;
  }

  private getrandbitsSmall(k: number): number {
    if (k === 0) return 0;
    return this.genrandUint32() >>> (32 - k);
  }

  /** _randbelow_with_getrandbits: uniform int in [0, n) by rejection sampling on bit_length(n) bits. */
  randbelow(n: number): number {
    if (n <= 0) return 0;
    if (n <= TWO_32) {
      const k = bitLength(n);
      if (k <= 32) {
        let r = this.getrandbitsSmall(k);
        while (r >= n) r = this.getrandbitsSmall(k);
        return r;
      }
    }
    const big = BigInt(n);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= big) r = this.getrandbits(k);
    return Number(r);
  }

  /** random.randrange(start[, stop[, step]]) for ints. */
  randrange(start: number, stop?: number, step = 1): number {
    checkInt(start, "start");
    if (stop === undefined) {
      if (start > 0) return this.randbelow(start);
      throw new RangeError("empty range for randrange()");
    }
    checkInt(stop, "stop");
    checkInt(step, "step");
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new RangeError(`empty range in randrange(${start}, ${stop})`);
    }
    let n: number;
    if (step > 0) n = Math.floor((width + step - 1) / step);
    else if (step < 0) n = Math.floor((width + step + 1) / step);
    else throw new RangeError("zero step for randrange()");
    if (n <= 0) throw new RangeError(`empty range in randrange(${start}, ${stop}, ${step})`);
    return start + step * this.randbelow(n);
  }

  /** random.randint(a, b): inclusive on both ends. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** random.choice(seq). */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError("Cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)];
  }

  /** random.shuffle(x), in place. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** random.sample(population, k), including CPython's switch between pool and set selection. */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!(k >= 0 && k <= n)) throw new RangeError("Sample larger than population or is negative");
    const result: T[] = new Array<T>(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = population.slice();
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j];
      }
    }
    return result;
  }

  /** random.uniform(a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  getState(): PyRandomSnapshot {
    return { mt: Array.from(this.mt), index: this.index };
  }

  setState(state: PyRandomSnapshot): void {
    this.mt = Uint32Array.from(state.mt);
    this.index = state.index;
  }

  clone(): PyRandom {
    const copy = new PyRandom(0);
    copy.mt = this.mt.slice();
    copy.index = this.index;
    return copy;
  }
}

function bitLength(n: number): number {
  if (n < TWO_32) return n === 0 ? 0 : 32 - Math.clz32(n);
  return BigInt(n).toString(2).length;
}

function checkInt(x: number, what: string): void {
  if (!Number.isInteger(x)) throw new TypeError(`randrange() ${what} must be an integer, got ${x}`);
}
