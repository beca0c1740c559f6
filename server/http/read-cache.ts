// Polled reads answered from memory for a moment. Every open monitor page asks for the same header, step plan and
// charts every 2.5 s; with many people watching one run, the web process would compute the same answer for each of
// them. The answer to a GET of only the reads below is kept for `ttlMs` and served to everyone who may read and sends
// the same request in that time (the URL and whether gzip is accepted make the key: these answers do not depend on
// who asks, only on whether they may read, which is checked before the cache, see `mayRead`); concurrent misses share
// one computation; for as long again the old answer is served while one fresh computation runs
// (stale-while-revalidate), so an answer is at most 2 × `ttlMs` old. Any request that may change something (a method
// other than GET or HEAD) empties the cache, so a change made through this process is never hidden behind an older
// answer; a change made elsewhere (the worker) shows at most 2 × `ttlMs` later than without the cache. Only 200 answers
// are kept, and none that sets a cookie. Pure: no I/O.

/**
 * The tRPC queries a live page polls: read-only, and the same answer for everyone who may read (none of them looks at
 * who asks: a procedure whose answer depends on the user must not be listed here).
 */
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

/** How long a session's right to kept answers is trusted before the database is asked again (see `mayRead`). */
export const SESSION_RECHECK_MS = 10_000;

/**
 * How an answer was found: kept (from memory, younger than the TTL), shared (a computation under way for someone
 * else), stale (the old answer while one fresh computation runs), computed (for this request).
 */
export type ReadCacheOutcome = "kept" | "shared" | "stale" | "computed";

/** An answer as it goes on the wire (body already encoded). */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

interface RequestLike {
  method?: string;
  url?: string;
}

/** Whether a request may change something (web-server.ts empties the cache for such a request sent with a session). */
export const isChangingRequest = (req: Pick<RequestLike, "method">) => req.method !== "GET" && req.method !== "HEAD";

/**
 * The cache key of a tRPC GET under `endpoint` whose procedures are all in CACHED_READS, or null (not cacheable).
 * `gzip` is whether the answer will be gzipped for this client. No credentials in it: ask `mayRead` first.
 */
export function readCacheKey(req: RequestLike, { endpoint, gzip }: { endpoint: string; gzip: boolean }): string | null {
  const url = req.url ?? "";
  if (req.method !== "GET" || !url.startsWith(`${endpoint}/`)) return null;
  const query = url.indexOf("?");
  const names = url.slice(endpoint.length + 1, query < 0 ? undefined : query).split(",");
  if (!names.every((name) => CACHED_READS.has(name))) return null;
  return `${gzip ? "gzip" : "plain"} ${url}`;
}

/** A session's verdict: may read, as checked at `at`, until `until` (the recheck or the session's end). */
interface Reader {
  at: number;
  until: number;
  mayRead: Promise<boolean>;
  isRechecking?: boolean;
}

interface Entry {
  /** when the computation behind it started (its data are at least this recent) */
  at: number;
  answer: Promise<StoredAnswer>;
  /** the answer once computed and worth keeping */
  kept?: StoredAnswer;
  isRefreshing?: boolean;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  /** session token → whether its holder may read, as checked at `at` */
  private readonly readers = new Map<string, Reader>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  private readonly onAnswer: (outcome: ReadCacheOutcome) => void;

  /** `onAnswer`: told how each answer was found (for /metrics). */
  constructor({
    ttlMs = READ_CACHE_TTL_MS,
    maxEntries = 2_000,
    now = () => performance.now(),
    onAnswer = () => {},
  }: { ttlMs?: number; maxEntries?: number; now?: () => number; onAnswer?: (outcome: ReadCacheOutcome) => void } = {}) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.now = now;
    this.onAnswer = onAnswer;
  }

  /**
   * The kept answer for `key` while younger than the TTL (or the computation under way). Past the TTL, within as
   * long again, the kept answer still goes out while one fresh computation runs for the next askers, so no reader
   * waits on it (an answer is at most twice the TTL old). Otherwise `compute()`'s answer, kept when it is a 200.
   */
  answer(key: string, compute: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
    if (this.ttlMs <= 0) return compute();
    const at = this.now();
    const found = this.entries.get(key);
    if (found) {
      const age = at - found.at;
      if (age < this.ttlMs) {
        this.onAnswer(found.kept ? "kept" : "shared");
        return found.answer;
      }
      if (found.kept && age < 2 * this.ttlMs) {
        if (!found.isRefreshing) {
          found.isRefreshing = true;
          void this.compute(key, compute, at, found);
        }
        this.onAnswer("stale");
        return Promise.resolve(found.kept);
      }
    }
    if (this.entries.size >= this.maxEntries) this.dropExpired(at);
    this.onAnswer("computed");
    return this.compute(key, compute, at);
  }

  /**
   * Whether the holder of session `token` may be served kept answers. `check(token)` says how long the session has
   * left (ms; 0 or less: no such session, or expired). A verdict holds for SESSION_RECHECK_MS and never past the
   * session's end; from half that age on it is still given while one check runs for the next asks (no reader waits
   * on a recheck that way as long as it polls more often than every 5 s). Concurrent asks share one check; a failed
   * check is not kept and counts as no. A session ended through this process (sign-out) empties the cache with
   * everything else, as any change does; one ended elsewhere (the CLI, another web process) gets kept answers from
   * this process at most SESSION_RECHECK_MS longer (answers computed for it check its session every time).
   */
  mayRead(token: string, check: (token: string) => Promise<number>): Promise<boolean> {
    const at = this.now();
    const found = this.readers.get(token);
    if (found && at < found.until) {
      if (at >= found.at + SESSION_RECHECK_MS / 2 && !found.isRechecking) {
        found.isRechecking = true;
        void this.checkReader(token, check, at);
      }
      return found.mayRead;
    }
    if (this.readers.size >= this.maxEntries) {
      for (const [t, reader] of this.readers) if (at >= reader.until) this.readers.delete(t);
      if (this.readers.size >= this.maxEntries) return check(token).then((left) => left > 0, () => false);
    }
    return this.checkReader(token, check, at);
  }

  /** Asks `check` and keeps the verdict from when it settles (a recheck replaces the old one only then). */
  private checkReader(token: string, check: (token: string) => Promise<number>, at: number): Promise<boolean> {
    const replacing = this.readers.get(token);
    const reader: Reader = { at, until: at + SESSION_RECHECK_MS, mayRead: Promise.resolve(false) };
    const isRecheck = replacing !== undefined && at < replacing.until;
    if (!isRecheck) this.readers.set(token, reader);
    reader.mayRead = check(token).then(
      (left) => {
        // A "no" holds for the whole recheck time (a session never comes back); a "yes" not past the session's end.
        if (left > 0) reader.until = Math.min(reader.until, at + left);
        if (isRecheck && this.readers.get(token) === replacing) this.readers.set(token, reader);
        return left > 0;
      },
      () => {
        if (this.readers.get(token) === (isRecheck ? replacing : reader)) this.readers.delete(token);
        return false;
      },
    );
    return reader.mayRead;
  }

  get isOn(): boolean {
    return this.ttlMs > 0;
  }

  clear(): void {
    this.entries.clear();
    this.readers.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Computes and stores (in place of `replacing`, a refresh, if that entry is still there when it settles). */
  private compute(key: string, compute: () => Promise<StoredAnswer>, at: number, replacing?: Entry): Promise<StoredAnswer> {
    const answer = compute();
    const entry: Entry = { at, answer };
    if (!replacing) {
      if (this.entries.size >= this.maxEntries) return answer;
      this.entries.set(key, entry);
    }
    const current = replacing ?? entry;
    answer.then(
      (a) => {
        if (this.entries.get(key) !== current) return; // emptied meanwhile: a change went through
        // Errors and non-200 answers are not kept: the next request computes again.
        if (a.status !== 200 || "set-cookie" in a.headers) this.entries.delete(key);
        else if (replacing) this.entries.set(key, { at, answer, kept: a });
        else entry.kept = a;
      },
      () => {
        if (this.entries.get(key) === current) this.entries.delete(key);
      },
    );
    return answer;
  }

  private dropExpired(at: number) {
    for (const [key, entry] of this.entries) if (at - entry.at >= 2 * this.ttlMs) this.entries.delete(key);
  }
}
