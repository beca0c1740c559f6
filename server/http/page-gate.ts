// Which requests are pages that a visitor who is not signed in must sign in for, when anonymous reading is off:
// proxy.ts sends them to /sign-in?next=<the page> before anything renders. Routes (/api, /metrics) answer 401
// themselves, and the sign-in page and Next's own files stay open. Pure: no I/O.

/** Paths that are not pages to gate: API routes, metrics, the sign-in page, Next's and the browser's own files. */
const OPEN_PATH = /^\/(?:api(?:\/|$)|_next\/|sign-in(?:\/|$)|metrics(?:\/|$)|favicon\.ico$|icon\.svg$|robots\.txt$)/;

/** True for a page visit (GET or HEAD of a path that is not open) that needs a reader when anonymous reading is off. */
export function isGatedPage({ method, pathname }: { method: string; pathname: string }): boolean {
  return (method === "GET" || method === "HEAD") && !OPEN_PATH.test(pathname);
}

/** The sign-in page, told to come back to this path and query afterwards. */
export function signInLocation({ pathname, search }: { pathname: string; search: string }): string {
  return `/sign-in?${new URLSearchParams({ next: `${pathname}${search}` }).toString()}`;
}
