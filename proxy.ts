// Runs before Next routes a request: an address that is not valid percent-encoding (Next itself answers those
// with a 500) or that carries a NUL byte is refused here with a 400 that says what is wrong.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(req: NextRequest) {
  const raw = req.url.slice(req.url.indexOf("/", req.url.indexOf("//") + 2));
  let problem: string | null = null;
  try {
    decodeURIComponent(raw);
  } catch {
    problem = "The address is not valid percent-encoding (a % must be followed by two hex digits of UTF-8); fix the link.";
  }
  if (!problem && (/%00/i.test(raw) || raw.includes("\u0000"))) problem = "The address contains a NUL byte (%00); remove it.";
  if (problem) return NextResponse.json({ error: { code: "BAD_REQUEST", message: problem } }, { status: 400 });
  return NextResponse.next();
}

export const config = {
  // Everything but Next's own static files.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
