// The sign-in and sign-out routes. POST /api/auth/sign-in: JSON {email, password} -> {user, expiresAt} and the
// session cookie; a form post (email, password, next) is redirected to `next`, or back to the form with an error code.
// The body is read with a small byte limit, and failures are throttled per client address (as the web server stamped
// it: server/http/client-address.ts) and per account before any hashing. POST /api/auth/sign-out: ends the session and
// clears the cookie; JSON callers get {ok: true}, forms go home. Served by the web server's plain path
// (server/http/web-server.ts) and, under `next start`/`next dev`, by app/api/auth/*/route.ts.
import { z } from "zod";
import { getDb } from "../db";
import { AppError } from "../errors";
import { bodyErrorResponse, readFormBody, readJsonBody } from "../http/body";
import { readClientAddress } from "../http/client-address";
import { signIn, signOut } from "../services/auth-service";
import { signInThrottle } from "../services/sign-in-throttle";
import { clearedSessionCookie, errorResponse, isHttps, isSameOrigin, safeNextPath, sessionCookie, sessionTokenOf } from "./auth-http";

/** email + password + next fit easily; anything bigger is not a sign-in. */
const SIGN_IN_BODY_LIMIT = 8 * 1024;

const ZSignIn = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
  next: z.string().max(2000).optional(),
});

const redirect = (location: string, cookie?: string) =>
  new Response(null, { status: 303, headers: { Location: location, ...(cookie ? { "Set-Cookie": cookie } : {}) } });

/** POST /api/auth/sign-in. */
export async function signInRoute(req: Request): Promise<Response> {
  const contentType = req.headers.get("content-type") ?? "";
  const isForm = contentType.includes("application/x-www-form-urlencoded");
  if (contentType.includes("multipart/form-data")) {
    return Response.json({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send JSON or a URL-encoded form." } }, { status: 415 });
  }
  if (!isSameOrigin(req)) return errorResponse(new AppError("FORBIDDEN", "Sign in from the RODS page itself."));

  let raw: unknown = null;
  try {
    if (isForm) {
      const form = await readFormBody(req, { limitBytes: SIGN_IN_BODY_LIMIT });
      raw = { email: form.get("email") ?? "", password: form.get("password") ?? "", next: form.get("next") ?? undefined };
    } else {
      raw = await readJsonBody(req, { limitBytes: SIGN_IN_BODY_LIMIT });
    }
  } catch (error) {
    const answer = bodyErrorResponse(error);
    if (answer && !isForm) return answer;
    if (!answer) return errorResponse(error);
    raw = null;
  }
  const parsed = ZSignIn.safeParse(raw);
  const next = safeNextPath(parsed.success ? parsed.data.next : undefined);
  const backToForm = (error: string) => redirect(`/sign-in?${new URLSearchParams({ error, next }).toString()}`);
  if (!parsed.success) {
    return isForm ? backToForm("missing") : errorResponse(new AppError("BAD_REQUEST", "Send JSON {\"email\": …, \"password\": …}."));
  }

  const throttle = signInThrottle();
  const who = { email: parsed.data.email.toLowerCase(), address: readClientAddress(req.headers) };
  let waitMs: number;
  try {
    waitMs = await throttle.waitMs(who);
  } catch (error) {
    // The counts live in Postgres: without them nobody is let through (503 while the database is away).
    if (isForm) return backToForm("server");
    return errorResponse(error);
  }
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    if (isForm) return backToForm("throttled");
    return errorResponse(
      new AppError("TOO_MANY_REQUESTS", `Too many failed sign-ins; wait ${seconds} s before trying again.`, { retryAfterSeconds: seconds }),
    );
  }
  try {
    const { token, expiresAt, user } = await signIn({ db: getDb(), email: parsed.data.email, password: parsed.data.password });
    await throttle.recordSuccess(who);
    const cookie = sessionCookie({ token, expiresAt, isSecure: isHttps(req) });
    if (isForm) return redirect(next, cookie);
    return Response.json({ user, expiresAt }, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  } catch (error) {
    const isWrong = error instanceof AppError && error.code === "UNAUTHORIZED";
    let answer = error;
    if (isWrong) {
      // A failure that cannot be counted is not answered as a plain wrong password (fail closed: 503).
      answer = await throttle.recordFailure(who).then(() => error, (countError: unknown) => countError);
    }
    if (isForm) return backToForm(answer === error && isWrong ? "wrong" : "server");
    return errorResponse(answer);
  }
}

/** POST /api/auth/sign-out. */
export async function signOutRoute(req: Request): Promise<Response> {
  if (!isSameOrigin(req)) return errorResponse(new AppError("FORBIDDEN", "Sign out from the RODS page itself."));
  try {
    await signOut({ db: getDb(), token: sessionTokenOf(req.headers) });
  } catch (error) {
    return errorResponse(error);
  }
  const cookie = clearedSessionCookie({ isSecure: isHttps(req) });
  const wantsJson = (req.headers.get("accept") ?? "").includes("application/json") || (req.headers.get("content-type") ?? "").includes("application/json");
  if (wantsJson) return Response.json({ ok: true }, { headers: { "Set-Cookie": cookie } });
  return new Response(null, { status: 303, headers: { Location: "/", "Set-Cookie": cookie } });
}
