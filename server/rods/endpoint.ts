// Rules for user-chosen endpoints (OpenAI-compatible servers): which URLs are acceptable, which environment
// variables may hold their keys, and how upstream errors are shortened before anyone sees them. Pure, no I/O.

/** Variables that can never be an endpoint key, whatever the allowlist says: they hold RODS's own secrets. */
const NEVER_KEY_ENVS = /^(DATABASE_URL|RODS_.*|PG.*|NODE_.*|PATH|HOME)$/;

/** http(s) only and no user:password@ part: credentials in URLs end up in logs, configs and screens. */
export function endpointUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL such as http://localhost:8000/v1.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Use an http:// or https:// URL.";
  if (url.username || url.password) return "Remove the user:password@ part; put the key in an allowed environment variable instead.";
  return null;
}

/** The admin's allowlist (comma- or space-separated names), minus names that hold RODS's own secrets. */
export function parseKeyEnvAllowlist(raw: string | undefined): string[] {
  const names = (raw ?? "").split(/[\s,]+/).filter((n) => /^[A-Z_][A-Z0-9_]*$/.test(n) && !NEVER_KEY_ENVS.test(n));
  return [...new Set(names)];
}

/** Why `apiKeyEnv` may not be used, or null when it may (no key at all is always fine). */
export function keyEnvProblem(apiKeyEnv: string | undefined | null, allowed: readonly string[]): string | null {
  if (!apiKeyEnv) return null;
  if (allowed.includes(apiKeyEnv)) return null;
  return allowed.length
    ? `The API key variable ${apiKeyEnv} is not allowed; pick one of ${allowed.join(", ")} (an admin sets RODS_ENDPOINT_KEY_ENVS).`
    : `No API key variables are allowed on this server; leave the key variable empty, or ask an admin to list it in RODS_ENDPOINT_KEY_ENVS.`;
}

/** A URL with any user:password@ part removed (for configs stored before credentials were refused). */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return value;
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return value;
  }
}

const MAX_UPSTREAM_MESSAGE = 200;

/**
 * An upstream error text reduced to one short line: no markup, no control characters, no bearer tokens or
 * key-looking strings, no URL credentials; at most 200 characters.
 */
export function sanitiseUpstreamMessage(text: string): string {
  let out = text
    .replace(/<[^>]{0,200}>/g, " ")
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]")
    .replace(/\b(sk|rods|key|token)[-_][A-Za-z0-9_-]{8,}/gi, "[redacted]")
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(:[^/\s@]*)?@/gi, "$1")
    .replace(/\s+/g, " ")
    .trim();
  if (out.length > MAX_UPSTREAM_MESSAGE) out = `${out.slice(0, MAX_UPSTREAM_MESSAGE - 1)}…`;
  return out || "no details";
}

/** Replaces credentialed URLs anywhere in a stored run config (a JSON value) by their redacted form. */
export function redactConfigUrls<T>(config: T): T {
  if (Array.isArray(config)) return config.map(redactConfigUrls) as T;
  if (config && typeof config === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) out[k] = typeof v === "string" && /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? redactUrl(v) : redactConfigUrls(v);
    return out as T;
  }
  return config;
}
