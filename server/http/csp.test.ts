import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce } from "./csp";

const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `));

describe("contentSecurityPolicy", () => {
  it("allows scripts only by this request's nonce, never inline or eval in production", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123==", isDev: false });
    expect(directive(csp, "script-src")).toBe("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(directive(csp, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(directive(csp, "default-src")).toBe("default-src 'self'");
  });

  it("lets the development server use eval and its websocket", () => {
    const csp = contentSecurityPolicy({ nonce: "n", isDev: true });
    expect(directive(csp, "script-src")).toContain("'unsafe-eval'");
    expect(directive(csp, "connect-src")).toBe("connect-src 'self' ws:");
  });
});

describe("createNonce", () => {
  it("gives a different base64 value of 16 bytes each time", () => {
    const seen = new Set(Array.from({ length: 100 }, () => createNonce()));
    expect(seen.size).toBe(100);
    for (const nonce of seen) expect(atob(nonce)).toHaveLength(16);
  });
});
