// @ts-check
// The security headers every response carries, in plain JavaScript so that next.config.js (loaded by Node without a
// TypeScript step) and the web server's plain tRPC path (web-server.ts) share one list. The Content-Security-Policy
// is not here: it is set per request with a nonce (proxy.ts, csp.ts).

/** @type {readonly { key: string, value: string }[]} */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];
