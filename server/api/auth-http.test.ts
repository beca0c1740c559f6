import { describe, expect, it } from "vitest";
import { clearedSessionCookie, isSameOrigin, readCookie, safeNextPath, sessionCookie } from "./auth-http";

describe("auth at the HTTP edge", () => {
  it("reads one cookie among many", () => {
    const headers = new Headers({ cookie: "a=1; rods_session=abc%3D; rods_session_old=zzz" });
    expect(readCookie(headers, "rods_session")).toBe("abc=");
    expect(readCookie(headers, "missing")).toBeUndefined();
    expect(readCookie(new Headers(), "rods_session")).toBeUndefined();
  });

  it("sets an httpOnly, lax session cookie, secure only over https, and clears it", () => {
    const expiresAt = new Date(Date.now() + 3600_000);
    const plain = sessionCookie({ token: "t0k", expiresAt, isSecure: false });
    expect(plain).toMatch(/^rods_session=t0k; Path=\/; HttpOnly; SameSite=Lax; Max-Age=(3599|3600); Expires=/);
    expect(plain).not.toContain("Secure");
    expect(sessionCookie({ token: "t0k", expiresAt, isSecure: true })).toMatch(/; Secure$/);
    expect(clearedSessionCookie({ isSecure: false })).toContain("Max-Age=0");
  });

  it("returns only to local paths after sign-in", () => {
    expect(safeNextPath("/settings/api-keys?x=1")).toBe("/settings/api-keys?x=1");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "", undefined, 42]) expect(safeNextPath(bad)).toBe("/");
  });

  it("refuses posts whose Origin is another site", () => {
    const post = (origin?: string) => new Request("http://rods.lan:3000/api/auth/sign-in", { method: "POST", headers: origin ? { origin, host: "rods.lan:3000" } : { host: "rods.lan:3000" } });
    expect(isSameOrigin(post("http://rods.lan:3000"))).toBe(true);
    expect(isSameOrigin(post())).toBe(true); // scripts and curl send no Origin
    expect(isSameOrigin(post("https://evil.example"))).toBe(false);
    expect(isSameOrigin(post("null"))).toBe(false);
  });
});
