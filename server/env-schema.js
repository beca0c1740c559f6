// @ts-check
// The environment's zod schema, in plain JavaScript so that next.config.js (which Node loads without a TypeScript
// step) and server/env.ts share one definition; TypeScript reads its types from this file (allowJs).
import proxyAddr from "proxy-addr";
import { z } from "zod";

/** The named ranges proxy-addr knows besides addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];

/** `a, b ,c` -> ["a", "b", "c"] (empty entries dropped). @param {string} value */
const commaList = (value) => value.split(",").map((s) => s.trim()).filter(Boolean);

export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Postgres to use; when absent, `npm start` runs an embedded server with its data under RODS_HOME. */
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where RODS keeps local state (the embedded database). */
  RODS_HOME: z.string().default(".rods"),
  /** Worker concurrency for rollout jobs. */
  RODS_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Password of the admin@rods.local account created on a database without users (else a random one is printed). */
  RODS_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Seconds after which a worker that sent no heartbeat counts as down. */
  RODS_WORKER_STALE_SECONDS: z.coerce.number().int().min(5).default(30),
  /** Seconds an environment session (/api/v1/env/sessions, MCP) may stay idle before it expires (410). */
  RODS_ENV_SESSION_IDLE_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(1800),
  /** Interface the web server listens on; anything but loopback exposes RODS to the network. */
  HOST: z.string().min(1).max(255).default("127.0.0.1"),
  /** Environment variables users may name as an endpoint's API key (comma-separated); empty = keyless endpoints only. */
  RODS_ENDPOINT_KEY_ENVS: z.string().max(2000).default(""),
  /** Whether visitors who are not signed in may read pages; auto = only when listening on localhost. */
  RODS_ANONYMOUS_READ: z.enum(["auto", "true", "false"]).default("auto"),
  /** Database connections per process, and how long a request waits for one before it is answered 503. */
  RODS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  RODS_DB_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /**
   * How long the web process answers a polled read (the live pages' tRPC queries) from memory; 0 = never. Off by
   * default: with it on, e2e's oversize-body check hung after the other specs (cause not found yet).
   */
  RODS_READ_CACHE_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  /** Largest request body accepted by default (bytes); larger bodies are answered 413. */
  RODS_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(100 * 1024 * 1024).default(1024 * 1024),
  /** Per-user quotas: runs queued, running or paused at once, and rollouts those runs may plan in total. */
  RODS_QUOTA_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(10_000).default(5),
  RODS_QUOTA_ROLLOUTS: z.coerce.number().int().min(1).max(10_000_000_000).default(5_000_000),
  /**
   * Proxies whose X-Forwarded-For the web process believes for the client's address (what the sign-in throttle
   * counts by): addresses, CIDR ranges and loopback / linklocal / uniquelocal, comma-separated. Empty: the connecting
   * address counts and forwarding headers are ignored (a client talking to RODS directly could choose them).
   */
  RODS_TRUSTED_PROXIES: z
    .string()
    .max(2000)
    .superRefine((value, ctx) => {
      for (const entry of commaList(value)) {
        try {
          proxyAddr.compile(entry);
        } catch {
          const names = PROXY_RANGE_NAMES.join(", ");
          ctx.addIssue({ code: "custom", message: `"${entry.slice(0, 100)}" is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or one of ${names}; list the proxies in front of RODS, comma-separated, or leave it empty when clients connect directly` });
        }
      }
    })
    .transform(commaList)
    .default([]),
});

/** @typedef {z.infer<typeof ZEnv>} TEnv */

/**
 * The environment, parsed; a bad value throws one message naming every wrong variable.
 * @param {Record<string, string | undefined>} [source]
 * @returns {TEnv}
 */
export function parseEnv(source = process.env) {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}\nFix these variables (see README.md, "Configuration").`);
  }
  return parsed.data;
}
