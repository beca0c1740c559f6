// First checks of every request at the edge (route handlers call these before anything else).
import { classifyDbError, RETRY_AFTER_SECONDS } from "../db-errors";

/**
 * Why an address (a full URL or its path and query) is refused with 400, or null: it is not valid percent-encoding
 * (Next itself answers those with a 500), or it carries a NUL byte (raw or %00), which Postgres cannot store or search.
 */
export function urlProblem(url: string): string | null {
  // The path and query: a full URL's scheme and host are checked by whoever parsed them.
  const pathStart = url.startsWith("/") ? 0 : url.indexOf("/", url.indexOf("//") + 2);
  const raw = pathStart < 0 ? "" : url.slice(pathStart);
  try {
    decodeURIComponent(raw);
  } catch {
    return "The address is not valid percent-encoding (a % must be followed by two hex digits of UTF-8); fix the link.";
  }
  if (/%00/i.test(raw) || raw.includes("\u0000")) return "The address contains a NUL byte (%00); remove it.";
  return null;
}

/**
 * Cross-site request check for cookie-authenticated changes: the browser's Origin (or, lacking it, Sec-Fetch-Site)
 * must name this server. Requests without a cookie are anonymous and refused later anyway; API-key calls carry no
 * cookie and are not browser-driven.
 */
export function crossSiteProblem(req: Request): string | null {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return null;
  const hasCookie = /(^|;\s*)rods_session=/.test(req.headers.get("cookie") ?? "");
  if (!hasCookie) return null;
  const origin = req.headers.get("origin");
  if (origin === null) {
    const site = req.headers.get("sec-fetch-site");
    return site === "cross-site" || site === "same-site" ? "Cross-site requests cannot change anything; use the RODS page itself." : null;
  }
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? req.headers.get("host") ?? new URL(req.url).host;
  try {
    if (origin !== "null" && new URL(origin).host === host) return null;
  } catch {
    // malformed Origin: refused below
  }
  return "Cross-site requests cannot change anything; use the RODS page itself.";
}

export const jsonError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  Response.json({ error: { code, message } }, { status, headers });

/** 503 + Retry-After for an exhausted pool or a restarting database; null for anything else. */
export function unavailableResponse(error: unknown): Response | null {
  if (classifyDbError(error) !== "unavailable") return null;
  return jsonError(503, "SERVICE_UNAVAILABLE", "The server is busy or its database is restarting; try again in a few seconds.", {
    "Retry-After": String(RETRY_AFTER_SECONDS),
  });
}
