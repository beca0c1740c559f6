import { describe, expect, it } from "vitest";
import { isChangingRequest, ReadCache, readCacheKey, SESSION_RECHECK_MS, type StoredAnswer } from "./read-cache";

const ENDPOINT = "/api/trpc";
const answerOf = (text: string, status = 200): StoredAnswer => ({ status, headers: { "content-type": "application/json" }, body: Buffer.from(text) });

describe("which requests are cached", () => {
  const get = (url: string) => ({ method: "GET", url });

  it("keys GETs made only of polled reads by URL and encoding (who may read is asked separately)", () => {
    const url = `${ENDPOINT}/runs.get,runs.stepPlan,review.gate?batch=1&input=%7B%7D`;
    const zipped = readCacheKey(get(url), { endpoint: ENDPOINT, gzip: true });
    expect(zipped).not.toBeNull();
    expect(readCacheKey(get(url), { endpoint: ENDPOINT, gzip: true })).toBe(zipped);
    // No gzip, another input: other answers.
    const others = [
      readCacheKey(get(url), { endpoint: ENDPOINT, gzip: false }),
      readCacheKey(get(`${ENDPOINT}/runs.get,runs.stepPlan,review.gate?batch=1&input=%7B%220%22%7D`), { endpoint: ENDPOINT, gzip: true }),
    ];
    expect(new Set([zipped, ...others]).size).toBe(3);
  });

  it("does not cache a batch with any other procedure, other methods or other paths", () => {
    expect(readCacheKey(get(`${ENDPOINT}/runs.get,auth.me?batch=1`), { endpoint: ENDPOINT, gzip: false })).toBeNull();
    expect(readCacheKey(get(`${ENDPOINT}/runs.list`), { endpoint: ENDPOINT, gzip: false })).toBeNull();
    expect(readCacheKey({ method: "POST", url: `${ENDPOINT}/runs.get` }, { endpoint: ENDPOINT, gzip: false })).toBeNull();
    expect(readCacheKey(get("/api/v1/runs"), { endpoint: ENDPOINT, gzip: false })).toBeNull();
    expect(isChangingRequest({ method: "POST" })).toBe(true);
    expect(isChangingRequest({ method: "GET" })).toBe(false);
  });
});

/** A cache (TTL 1 s) on a clock the test moves, holding "answer 1"; computations finish when `release.next()` is called. */
async function cachedOnce() {
  let t = 0;
  let computed = 0;
  const cache = new ReadCache({ ttlMs: 1_000, now: () => t });
  const release = { next: () => {} };
  const compute = () =>
    new Promise<StoredAnswer>((resolve) => {
      const n = ++computed;
      release.next = () => resolve(answerOf(`answer ${n}`));
    });
  const first = cache.answer("k", compute);
  release.next();
  await first;
  return { cache, compute, release, at: (ms: number) => (t = ms), computed: () => computed };
}

describe("the read cache", () => {
  it("serves one computation to everyone asking within the TTL", async () => {
    let t = 0;
    let computed = 0;
    const cache = new ReadCache({ ttlMs: 1_000, now: () => t });
    const compute = async () => answerOf(`answer ${++computed}`);
    const first = await Promise.all([cache.answer("k", compute), cache.answer("k", compute)]);
    t = 999;
    const within = await cache.answer("k", compute);
    expect([...first, within].map((a) => a.body.toString())).toEqual(["answer 1", "answer 1", "answer 1"]);
    expect(computed).toBe(1);
  });

  it("past the TTL serves the old answer while one fresh computation runs; past twice the TTL waits for a new one", async () => {
    const { cache, compute, release, at, computed } = await cachedOnce();
    at(1_500);
    // Two readers past the TTL: both get answer 1 at once; one computation (answer 2) runs for the next ones.
    const stale = await Promise.all([cache.answer("k", compute), cache.answer("k", compute)]);
    expect(stale.map((a) => a.body.toString())).toEqual(["answer 1", "answer 1"]);
    expect(computed()).toBe(2);
    release.next();
    await new Promise((r) => setImmediate(r));
    expect((await cache.answer("k", compute)).body.toString()).toBe("answer 2");
    // Counted from when answer 2's computation started (1 500): at 3 500 it is too old to serve while refreshing.
    at(3_500);
    const waited = cache.answer("k", compute);
    release.next();
    expect((await waited).body.toString()).toBe("answer 3");
  });

  it("drops a refresh that finishes after a change emptied the cache", async () => {
    const { cache, compute, release, at } = await cachedOnce();
    at(1_500);
    await cache.answer("k", compute); // answer 1, refreshing (answer 2) in the background
    cache.clear();
    release.next(); // answer 2 was read before the change: not kept
    await new Promise((r) => setImmediate(r));
    const after = cache.answer("k", compute);
    release.next();
    expect((await after).body.toString()).toBe("answer 3");
  });

  it("forgets everything when cleared (a change went through)", async () => {
    let computed = 0;
    const cache = new ReadCache({ now: () => 0 });
    const compute = async () => answerOf(`answer ${++computed}`);
    await cache.answer("k", compute);
    cache.clear();
    expect((await cache.answer("k", compute)).body.toString()).toBe("answer 2");
  });

  it("keeps neither errors nor answers other than 200", async () => {
    const cache = new ReadCache({ now: () => 0 });
    await expect(cache.answer("k", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(cache.size).toBe(0);
    expect((await cache.answer("k", async () => answerOf("busy", 503))).status).toBe(503);
    expect(cache.size).toBe(0);
    expect((await cache.answer("k", async () => answerOf("fine"))).body.toString()).toBe("fine");
    expect(cache.size).toBe(1);
  });

  it("holds at most maxEntries, dropping expired ones first", async () => {
    let t = 0;
    const cache = new ReadCache({ ttlMs: 10, maxEntries: 2, now: () => t });
    await cache.answer("a", async () => answerOf("a"));
    await cache.answer("b", async () => answerOf("b"));
    await cache.answer("c", async () => answerOf("c")); // full: computed, not kept
    expect(cache.size).toBe(2);
    t = 20; // a and b are past twice the TTL
    await cache.answer("c", async () => answerOf("c"));
    expect(cache.size).toBe(1);
  });
});

describe("how answers are found", () => {
  it("tells each one: computed, shared while under way, kept, stale while refreshed", async () => {
    let t = 0;
    const outcomes: string[] = [];
    const cache = new ReadCache({ ttlMs: 1_000, now: () => t, onAnswer: (o) => outcomes.push(o) });
    const compute = async () => answerOf("answer");
    await Promise.all([cache.answer("k", compute), cache.answer("k", compute)]);
    await cache.answer("k", compute);
    t = 1_500;
    await cache.answer("k", compute);
    t = 5_000;
    await cache.answer("k", compute);
    expect(outcomes).toEqual(["computed", "shared", "kept", "stale", "computed"]);
  });
});

describe("who may get kept answers", () => {
  it("asks once per token until the recheck or the session's end, shares a check under way, and asks again after a change", async () => {
    let t = 0;
    const cache = new ReadCache({ ttlMs: 1_000, now: () => t });
    const asked: string[] = [];
    // "valid" has an hour left, "ending" 3 s, "ended" none.
    const left: Record<string, number> = { valid: 3_600_000, ending: 3_000, ended: 0 };
    const check = async (token: string) => {
      asked.push(token);
      return left[token]!;
    };
    expect(await Promise.all([cache.mayRead("valid", check), cache.mayRead("valid", check)])).toEqual([true, true]);
    expect(await cache.mayRead("ended", check)).toBe(false);
    expect(await cache.mayRead("ending", check)).toBe(true);
    t = SESSION_RECHECK_MS - 1;
    expect(await cache.mayRead("valid", check)).toBe(true);
    expect(asked).toEqual(["valid", "ended", "ending"]);
    // Past the session's end it is asked again (and now says no); past the recheck, every token is.
    left.ending = 0;
    expect(await cache.mayRead("ending", check)).toBe(false);
    t = SESSION_RECHECK_MS;
    await cache.mayRead("valid", check);
    expect(asked).toEqual(["valid", "ended", "ending", "ending", "valid"]);
    cache.clear(); // a change (a sign-out among them) went through
    await cache.mayRead("valid", check);
    expect(asked.at(-1)).toBe("valid");
    expect(asked).toHaveLength(6);
  });

  it("counts a failed check as no and does not keep it", async () => {
    const cache = new ReadCache({ ttlMs: 1_000, now: () => 0 });
    let calls = 0;
    const failing = async () => {
      calls += 1;
      if (calls === 1) throw new Error("database restarting");
      return 60_000;
    };
    expect(await cache.mayRead("valid", failing)).toBe(false);
    expect(await cache.mayRead("valid", failing)).toBe(true);
    expect(calls).toBe(2);
  });
});
