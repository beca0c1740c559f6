// Sign-in throttling: per client address and per account, failures earn an exponentially growing wait. Kept in
// the web process's memory (one web process serves RODS; several would each keep their own counts, which still
// bounds guessing per process). Checked before any password hashing, so a flood costs no scrypt work.

export interface ThrottleRule {
  /** failures allowed within `windowMs` before waits begin */
  freeFailures: number;
  windowMs: number;
  /** first wait; doubles with each further failure, up to maxWaitMs */
  baseWaitMs: number;
  maxWaitMs: number;
}

export const ACCOUNT_RULE: ThrottleRule = { freeFailures: 5, windowMs: 15 * 60_000, baseWaitMs: 1_000, maxWaitMs: 15 * 60_000 };
export const ADDRESS_RULE: ThrottleRule = { freeFailures: 20, windowMs: 15 * 60_000, baseWaitMs: 1_000, maxWaitMs: 15 * 60_000 };

interface Entry {
  failures: number;
  firstAt: number;
  blockedUntil: number;
}

const MAX_ENTRIES = 100_000;

export class SignInThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly rules: { account: ThrottleRule; address: ThrottleRule } = { account: ACCOUNT_RULE, address: ADDRESS_RULE }) {}

  /** Milliseconds the caller must wait before trying again (0 = go ahead). */
  waitMs({ email, address, now = Date.now() }: { email: string; address: string; now?: number }): number {
    return Math.max(this.waitOf(`a:${email}`, now), this.waitOf(`i:${address}`, now));
  }

  recordFailure({ email, address, now = Date.now() }: { email: string; address: string; now?: number }): void {
    this.bump(`a:${email}`, this.rules.account, now);
    this.bump(`i:${address}`, this.rules.address, now);
  }

  /** The account's count starts over after a correct password; the address keeps its count. */
  recordSuccess({ email }: { email: string }): void {
    this.entries.delete(`a:${email}`);
  }

  private waitOf(key: string, now: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.blockedUntil - now) : 0;
  }

  private bump(key: string, rule: ThrottleRule, now: number) {
    let e = this.entries.get(key);
    if (!e || (now - e.firstAt > rule.windowMs && e.blockedUntil <= now)) {
      if (this.entries.size >= MAX_ENTRIES) this.prune(now);
      e = { failures: 0, firstAt: now, blockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.failures++;
    const over = e.failures - rule.freeFailures;
    if (over > 0) e.blockedUntil = now + Math.min(rule.maxWaitMs, rule.baseWaitMs * 2 ** Math.min(over - 1, 30));
  }

  private prune(now: number) {
    for (const [key, e] of this.entries) if (e.blockedUntil <= now) this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}

const globalForThrottle = globalThis as unknown as { signInThrottle?: SignInThrottle };
export const signInThrottle = () => (globalForThrottle.signInThrottle ??= new SignInThrottle());

/** The client address as the nearest proxy (or Next itself) recorded it: the last X-Forwarded-For entry. */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last || headers.get("x-real-ip") || "unknown";
}
