// POST /api/auth/sign-out: ends the session and clears the cookie; JSON callers get {ok: true}, forms go home.
import { clearedSessionCookie, errorResponse, isHttps, isSameOrigin, sessionTokenOf } from "@/server/api/auth-http";
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { signOut } from "@/server/services/auth-service";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
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
