// Auth at the HTTP edge: the session cookie, same-origin checks, and who a request comes from (cookie or API key).
// Used by tRPC's context and by route handlers (server/api/auth-routes.ts, server/api/v1); the rules live in auth-service.
import type { Db } from "../db";
import { RETRY_AFTER_SECONDS } from "../db-errors";
import { AppError, HTTP_STATUS } from "../errors";
import { unavailableResponse } from "../http/edge";
import { authenticateApiKey, sessionUser, type ApiScope, type TUser } from "../services/auth-service";

export const SESSION_COOKIE = "rods_session";

export function readCookie(headers: Pick<Headers, "get">, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const sessionTokenOf = (headers: Pick<Headers, "get">) => readCookie(headers, SESSION_COOKIE);

/** https as the browser sees it (behind a proxy the request URL itself is plain http). */
export function isHttps(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return forwarded ? forwarded === "https" : new URL(req.url).protocol === "https:";
}

export function sessionCookie({ token, expiresAt, isSecure }: { token: string; expiresAt: Date; isSecure: boolean }): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, `Expires=${expiresAt.toUTCString()}`, ...(isSecure ? ["Secure"] : [])].join("; ");
}

export function clearedSessionCookie({ isSecure }: { isSecure: boolean }): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", ...(isSecure ? ["Secure"] : [])].join("; ");
}

/** Refuses cross-site posts: a browser always sends Origin on POST; its host must be the one it posted to. */
export function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (!origin || origin === "null") return origin === null;
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? req.headers.get("host") ?? new URL(req.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * A same-origin path to return to after sign-in; anything else becomes "/". Parsed as a URL against a dummy origin
 * (browsers strip tabs and newlines, so `/%09/evil.example` and `/\tevil` would leave the site), and control
 * characters, backslashes and protocol-relative forms are refused outright.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return "/";
  let decoded = next;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return "/";
  }
  for (const candidate of [next, decoded]) {
    if (!candidate.startsWith("/") || candidate.startsWith("//") || candidate.includes("\\") || /[\u0000-\u001f\u007f]/.test(candidate)) return "/";
  }
  const base = "http://rods.invalid";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base || url.pathname.startsWith("//")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Who sent a request: `Authorization: Bearer rods_…` (an API key, which must carry `scope` when given) or the
 * session cookie (a signed-in user may do anything a key could). Throws UNAUTHORIZED/FORBIDDEN as AppError.
 */
export async function requestUser({ db, headers, scope }: { db: Db; headers: Headers; scope?: ApiScope }): Promise<{ user: TUser; via: "apiKey" | "session" }> {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AppError("UNAUTHORIZED", 'Send the API key as "Authorization: Bearer rods_…".');
    return { user: await authenticateApiKey({ db, key: match[1], scope }), via: "apiKey" };
  }
  const user = await sessionUser({ db, token: sessionTokenOf(headers) });
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in, or send an API key as \"Authorization: Bearer rods_…\".");
  return { user, via: "session" };
}

/** JSON error body for route handlers: AppError messages pass through, anything else is a generic 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = error.code === "SERVICE_UNAVAILABLE" ? { "Retry-After": String(RETRY_AFTER_SECONDS) } : {};
    const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retryAfter) headers["Retry-After"] = String(retryAfter);
    return Response.json({ error: { code: error.code, message: error.message } }, { status: HTTP_STATUS[error.code], headers });
  }
  const busy = unavailableResponse(error);
  if (busy) return busy;
  console.error("[auth]", error);
  return Response.json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server; the details are in the server log." } }, { status: 500 });
}
