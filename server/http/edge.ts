// First checks of every request at the edge (route handlers call these before anything else).
import { classifyDbError, RETRY_AFTER_SECONDS } from "../db-errors";

/** A NUL byte anywhere in the path or query (raw or %00) is refused with 400: Postgres cannot store or search it. */
export function urlProblem(url: string): string | null {
  if (/%00/i.test(url) || url.includes("\u0000")) return "The address contains a NUL byte (%00); remove it.";
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
