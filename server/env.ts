// The environment, validated once at boot: a bad value fails at start with a message naming it.
import { z } from "zod";

const ZEnv = z.object({
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
});

export type TEnv = z.infer<typeof ZEnv>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): TEnv {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}\nFix these variables (see README.md, "Configuration").`);
  }
  return parsed.data;
}

export const env = parseEnv();
