// Polled reads answered from memory for a moment. Every open monitor page asks for the same header, step plan and
// charts every 2.5 s; with many people watching one run, the web process would compute the same answer for each of
// them. The answer to a GET of only the reads below is kept for `ttlMs` (1 s) and served to whoever sends the same
// request with the same credentials in that time (the URL, the Cookie and Authorization headers and whether gzip is
// accepted make the key); concurrent misses share one computation. Any request that may change something (a method
// other than GET or HEAD) empties the cache, so a change made through this process is never hidden behind an older
// answer; a change made elsewhere (the worker) shows at most `ttlMs` later than without the cache. Only 200 answers
// are kept, and none that sets a cookie. Pure: no I/O.

/** The tRPC queries a live page polls: read-only, and the same for everyone with the same credentials. */
export const CACHED_READS: ReadonlySet<string> = new Set([
  "runs.get",
  "runs.stepPlan",
  "runs.series",
  "runs.distribution",
  "runs.heldOut",
  "runs.events",
  "runs.buffer",
  "runs.synthesis",
  "runs.landing",
  "runs.costs",
  "runs.trainerMetrics",
  "review.gate",
]);

export const READ_CACHE_TTL_MS = 1_000;

/** An answer as it goes on the wire (body already encoded). */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

interface RequestLike {
  method?: string;
  url?: string;
  headers: { cookie?: string; authorization?: string; "accept-encoding"?: string };
}

/** Whether a request may change something (and so empties the cache). */
export const isChangingRequest = (req: Pick<RequestLike, "method">) => req.method !== "GET" && req.method !== "HEAD";

/**
 * The cache key of a tRPC GET under `endpoint` whose procedures are all in CACHED_READS, or null (not cacheable).
 * `gzip` is whether the answer will be gzipped for this client.
 */
export function readCacheKey(req: RequestLike, { endpoint, gzip }: { endpoint: string; gzip: boolean }): string | null {
  const url = req.url ?? "";
  if (req.method !== "GET" || !url.startsWith(`${endpoint}/`)) return null;
  const query = url.indexOf("?");
  const names = url.slice(endpoint.length + 1, query < 0 ? undefined : query).split(",");
  if (!names.every((name) => CACHED_READS.has(name))) return null;
  return [url, req.headers.cookie ?? "", req.headers.authorization ?? "", gzip ? "gzip" : ""].join("\n");
}

export class ReadCache {
  private readonly entries = new Map<string, { at: number; answer: Promise<StoredAnswer> }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor({ ttlMs = READ_CACHE_TTL_MS, maxEntries = 2_000, now = () => performance.now() }: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  /** The stored answer for `key` if younger than the TTL (or being computed), else `compute()`'s, kept when it is a 200. */
  answer(key: string, compute: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
    if (this.ttlMs <= 0) return compute();
    const at = this.now();
    const found = this.entries.get(key);
    if (found && at - found.at < this.ttlMs) return found.answer;
    if (this.entries.size >= this.maxEntries) this.dropExpired(at);
    const answer = compute();
    if (this.entries.size < this.maxEntries) {
      this.entries.set(key, { at, answer });
      // Errors and non-200 answers are not kept: the next request computes again.
      const forget = () => {
        if (this.entries.get(key)?.answer === answer) this.entries.delete(key);
      };
      answer.then((a) => (a.status === 200 && !("set-cookie" in a.headers)) || forget(), forget);
    }
    return answer;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private dropExpired(at: number) {
    for (const [key, entry] of this.entries) if (at - entry.at >= this.ttlMs) this.entries.delete(key);
  }
}
