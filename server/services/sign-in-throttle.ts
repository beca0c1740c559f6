// Sign-in throttling: per client address and per account, failures earn a wait that doubles with each further
// failure. The counts live in Postgres (table sign_in_limit, through rate-limiter-flexible's RateLimiterPostgres),
// so every web process sees the same counts and a restart forgets nothing. Checked before any password hashing, so
// a flood costs no scrypt work. This module is the only importer of rate-limiter-flexible.
import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import { parseEnv } from "../env";

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

/** The wait earned by the `failures`-th failure within a window: none while free, then base, 2·base, 4·base … max. */
export function waitAfterFailures(rule: ThrottleRule, failures: number): number {
  const over = failures - rule.freeFailures;
  return over > 0 ? Math.min(rule.maxWaitMs, rule.baseWaitMs * 2 ** Math.min(over - 1, 30)) : 0;
}

/** The table the migration 20261126164917_sign_in_limit creates (the library must not create it itself). */
export const SIGN_IN_LIMIT_TABLE = "sign_in_limit";

type Store = { kind: "memory" } | { kind: "postgres"; pool: pg.Pool };
type Who = { email: string; address: string };

/** One counter of failures and one of blocks per rule; both keyed by `a:<email>` or `i:<address>`. */
function limitersFor(store: Store, name: string, rule: ThrottleRule) {
  // Failures: points never reject (penalty only counts); a block: points 1, blocked = 2 points until its expiry.
  const failures = { keyPrefix: `${name}-fail`, points: 1_000_000, duration: Math.ceil(rule.windowMs / 1000) };
  const blocks = { keyPrefix: `${name}-block`, points: 1, duration: Math.ceil(rule.maxWaitMs / 1000) };
  if (store.kind === "memory") return { rule, failures: new RateLimiterMemory(failures), blocks: new RateLimiterMemory(blocks) };
  const pgOptions = { storeClient: store.pool, storeType: "pool", tableName: SIGN_IN_LIMIT_TABLE, tableCreated: true };
  // Rows expired an hour ago are deleted every 5 minutes by one limiter of the table (the sweep is table-wide).
  const sweeps = { clearExpiredByTimeout: name === "account" };
  return {
    rule,
    failures: new RateLimiterPostgres({ ...failures, ...pgOptions, ...sweeps }),
    blocks: new RateLimiterPostgres({ ...blocks, ...pgOptions, clearExpiredByTimeout: false }),
  };
}

export class SignInThrottle {
  private readonly account;
  private readonly address;

  constructor({ store, rules = { account: ACCOUNT_RULE, address: ADDRESS_RULE } }: { store: Store; rules?: { account: ThrottleRule; address: ThrottleRule } }) {
    this.account = limitersFor(store, "account", rules.account);
    this.address = limitersFor(store, "address", rules.address);
  }

  /** Milliseconds the caller must wait before trying again (0 = go ahead). */
  async waitMs({ email, address }: Who): Promise<number> {
    const [a, i] = await Promise.all([blockedMs(this.account.blocks, email), blockedMs(this.address.blocks, addressBucket(address))]);
    return Math.max(a, i);
  }

  async recordFailure({ email, address }: Who): Promise<void> {
    await Promise.all([bump(this.account, email), bump(this.address, addressBucket(address))]);
  }

  /** The account's count starts over after a correct password; the address keeps its count. */
  async recordSuccess({ email }: Pick<Who, "email">): Promise<void> {
    await Promise.all([this.account.failures.delete(keyOf(email)), this.account.blocks.delete(keyOf(email))]);
  }
}

/** Stored keys are hashes: fixed length (the key column is varchar(255)) and no emails in the table. */
const keyOf = (value: string) => createHash("sha256").update(value).digest("base64url");

async function blockedMs(blocks: RateLimiterAbstract, value: string): Promise<number> {
  const res = await blocks.get(keyOf(value));
  return res && res.consumedPoints > 1 ? Math.max(0, res.msBeforeNext) : 0;
}

async function bump({ rule, failures, blocks }: ReturnType<typeof limitersFor>, value: string) {
  const key = keyOf(value);
  const counted = await failures.penalty(key, 1);
  const waitMs = waitAfterFailures(rule, counted.consumedPoints);
  if (waitMs === 0) return;
  const seconds = Math.ceil(waitMs / 1000);
  await blocks.block(key, seconds);
  // The count outlives the wait it earned, so the next failure after a long wait doubles it again.
  if (counted.msBeforeNext < waitMs) await failures.set(key, counted.consumedPoints, seconds);
}

const globalForThrottle = globalThis as unknown as { signInThrottle?: SignInThrottle; signInPool?: pg.Pool };

/** The web process's throttle, on a pool of its own (2 connections): a sign-in flood cannot take the app's pool. */
export function signInThrottle(): SignInThrottle {
  if (globalForThrottle.signInThrottle) return globalForThrottle.signInThrottle;
  const env = parseEnv();
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set: start RODS with `npm start`, which provides a database.");
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2, connectionTimeoutMillis: env.RODS_DB_POOL_TIMEOUT_MS });
  // An idle connection dropped by a database restart must not end the process; the next query reconnects.
  pool.on("error", () => {});
  globalForThrottle.signInPool = pool;
  return (globalForThrottle.signInThrottle = new SignInThrottle({ store: { kind: "postgres", pool } }));
}

/**
 * What one client address counts under: an IPv4 address as it is, an IPv6 address by its /64 (one site's or one
 * customer's network: a guesser holds the whole /64 and could otherwise rotate addresses within it).
 */
export function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([...parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}
