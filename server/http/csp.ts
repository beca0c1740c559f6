// The Content-Security-Policy of every page, built per request by proxy.ts around a fresh nonce: Next.js puts the
// nonce on its own bootstrap and chunk scripts when it renders a page, so no inline script without it runs.
// Pure: no imports, no clock; the caller hands in the nonce.

/** 16 random bytes as base64: unguessable, fresh for every request. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * Scripts: only those carrying this request's nonce, and what they load ('strict-dynamic'; browsers without it fall
 * back to 'self'). Styles keep 'unsafe-inline': React and recharts set style attributes, which nonces cannot cover,
 * and style injection cannot run code. The development server also needs eval and its websocket.
 */
export function contentSecurityPolicy({ nonce, isDev }: { nonce: string; isDev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${isDev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
