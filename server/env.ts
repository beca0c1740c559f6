// The environment, validated once at boot: a bad value fails at start with a message naming it. The schema lives
// in env-schema.js (plain JavaScript, so next.config.js can import it too).
import { parseEnv, ZEnv } from "./env-schema.js";

export { parseEnv, ZEnv };
export type TEnv = import("zod").infer<typeof ZEnv>;

export const env = parseEnv();

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
export const isLoopbackHost = (host: string) => LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\./.test(host);

/** Anonymous reading: explicit setting, else allowed only while the server listens on localhost. */
export function isAnonymousReadAllowed(e: Pick<TEnv, "HOST" | "RODS_ANONYMOUS_READ"> = parseEnv()): boolean {
  if (e.RODS_ANONYMOUS_READ !== "auto") return e.RODS_ANONYMOUS_READ === "true";
  return isLoopbackHost(e.HOST);
}
