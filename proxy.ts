// Runs before Next routes a request: an address that is not valid percent-encoding (Next itself answers those
// with a 500) or that carries a NUL byte is refused here with a 400 that says what is wrong; with anonymous reading
// off, a page visited by nobody signed in redirects to /sign-in?next=<the page> (server/http/page-gate.ts). Every
// other request gets a fresh CSP nonce: Next reads it from the request's Content-Security-Policy header and puts it
// on the scripts of the page it renders (so pages render per request; see app/layout.tsx).
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/api/auth-http";
import { getDb } from "./server/db";
import { contentSecurityPolicy, createNonce } from "./server/http/csp";
import { urlProblem } from "./server/http/edge";
import { isGatedPage, signInLocation } from "./server/http/page-gate";
import { mayReadPages } from "./server/services/page-lookup";

const isDev = process.env.NODE_ENV === "development";

export async function proxy(req: NextRequest) {
  const problem = urlProblem(req.url);
  if (problem) return NextResponse.json({ error: { code: "BAD_REQUEST", message: problem } }, { status: 400 });
  if (isGatedPage({ method: req.method, pathname: req.nextUrl.pathname }) && !(await mayRead(req))) {
    // Anonymous reading is off and nobody is signed in: to the sign-in page, which comes back here afterwards.
    return NextResponse.redirect(new URL(signInLocation(req.nextUrl), req.nextUrl), 307);
  }

  const nonce = createNonce();
  const csp = contentSecurityPolicy({ nonce, isDev });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("content-security-policy", csp);
  return res;
}

/** Reading allowed (no database query when anonymous reading is on); if the check fails, the page's own calls decide. */
const mayRead = (req: NextRequest) => mayReadPages({ db: getDb(), sessionToken: req.cookies.get(SESSION_COOKIE)?.value }).catch(() => true);

export const config = {
  // Everything but Next's own static files.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
