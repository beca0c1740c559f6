// POST /api/auth/sign-in: JSON {email, password} -> {user, expiresAt} and the session cookie; a form post
// (email, password, next) is redirected to `next`, or back to the form with an error code.
import { z } from "zod";
import { errorResponse, isHttps, isSameOrigin, safeNextPath, sessionCookie } from "@/server/api/auth-http";
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { signIn } from "@/server/services/auth-service";

export const dynamic = "force-dynamic";

const ZSignIn = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
  next: z.string().max(2000).optional(),
});

const redirect = (location: string, cookie?: string) =>
  new Response(null, { status: 303, headers: { Location: location, ...(cookie ? { "Set-Cookie": cookie } : {}) } });

export async function POST(req: Request) {
  const contentType = req.headers.get("content-type") ?? "";
  const isForm = contentType.includes("application/x-www-form-urlencoded") || contentType.includes("multipart/form-data");
  if (!isSameOrigin(req)) return errorResponse(new AppError("FORBIDDEN", "Sign in from the RODS page itself."));

  let raw: unknown = null;
  if (isForm) {
    const form = await req.formData().catch(() => null);
    raw = form ? { email: form.get("email") ?? "", password: form.get("password") ?? "", next: form.get("next") ?? undefined } : null;
  } else {
    raw = await req.json().catch(() => null);
  }
  const parsed = ZSignIn.safeParse(raw);
  const next = safeNextPath(parsed.success ? parsed.data.next : undefined);
  const backToForm = (error: string) => redirect(`/sign-in?${new URLSearchParams({ error, next }).toString()}`);
  if (!parsed.success) {
    return isForm ? backToForm("missing") : errorResponse(new AppError("BAD_REQUEST", "Send JSON {\"email\": …, \"password\": …}."));
  }

  try {
    const { token, expiresAt, user } = await signIn({ db: getDb(), email: parsed.data.email, password: parsed.data.password });
    const cookie = sessionCookie({ token, expiresAt, isSecure: isHttps(req) });
    if (isForm) return redirect(next, cookie);
    return Response.json({ user, expiresAt }, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  } catch (error) {
    if (isForm) return backToForm(error instanceof AppError && error.code === "UNAUTHORIZED" ? "wrong" : "server");
    return errorResponse(error);
  }
}
