import { describe, expect, it } from "vitest";
import { safeNextPath } from "../api/auth-http";
import { isGatedPage, signInLocation } from "./page-gate";

describe("page gate", () => {
  it("gates page visits, not routes, the sign-in page or Next's files", () => {
    for (const pathname of ["/", "/runs", "/runs/abc", "/tasks/base_1", "/review", "/experiments/new", "/studies/x", "/compare", "/settings/api-keys", "/sign-inx", "/apis"]) {
      expect(isGatedPage({ method: "GET", pathname }), pathname).toBe(true);
    }
    for (const pathname of ["/api/trpc/runs.list", "/api/v1/runs", "/api", "/api/health", "/sign-in", "/metrics", "/_next/static/chunks/a.js", "/favicon.ico", "/icon.svg"]) {
      expect(isGatedPage({ method: "GET", pathname }), pathname).toBe(false);
    }
    expect(isGatedPage({ method: "HEAD", pathname: "/runs" })).toBe(true);
    expect(isGatedPage({ method: "POST", pathname: "/runs" })).toBe(false);
  });

  it("sends the visitor to sign in with the page and its query as next, which sign-in follows back", () => {
    const location = signInLocation({ pathname: "/runs", search: "?tag=a&x=1" });
    expect(location).toBe("/sign-in?next=%2Fruns%3Ftag%3Da%26x%3D1");
    const next = new URL(location, "http://rods.test").searchParams.get("next");
    expect(safeNextPath(next)).toBe("/runs?tag=a&x=1");
    expect(safeNextPath(new URL(signInLocation({ pathname: "/", search: "" }), "http://rods.test").searchParams.get("next"))).toBe("/");
  });
});
