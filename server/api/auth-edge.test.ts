import { describe, expect, it } from "vitest";
import { isAnonymousReadAllowed } from "../env";
import { crossSiteProblem, urlProblem } from "../http/edge";
import { safeNextPath } from "./auth-http";
import { unstorableValue } from "./trpc";

describe("the auth edge", () => {
  it("next is only ever a same-origin path", () => {
    expect(safeNextPath("/runs/abc?tab=1#x")).toBe("/runs/abc?tab=1#x");
    for (const evil of ["/%09/evil.example/x", "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/%2F%2Fevil.example", "/%5Cevil", "javascript:alert(1)", "/\n/evil", "", "%"]) {
      expect(safeNextPath(evil), evil).toBe("/");
    }
  });

  it("cross-site cookie mutations are refused; same-site, anonymous and API-key requests pass this check", () => {
    const req = (headers: Record<string, string>, method = "POST") => new Request("http://127.0.0.1:3000/api/trpc/x", { method, headers });
    const cookie = { cookie: "rods_session=abc" };
    expect(crossSiteProblem(req({ ...cookie, origin: "http://evil.example" }))).toMatch(/Cross-site/);
    expect(crossSiteProblem(req({ ...cookie, origin: "null" }))).toMatch(/Cross-site/);
    expect(crossSiteProblem(req({ ...cookie, "sec-fetch-site": "cross-site" }))).toMatch(/Cross-site/);
    expect(crossSiteProblem(req({ ...cookie, origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toBeNull();
    expect(crossSiteProblem(req({ origin: "http://evil.example" }))).toBeNull();
    expect(crossSiteProblem(req({ ...cookie, origin: "http://evil.example" }, "GET"))).toBeNull();
  });

  it("NUL bytes and out-of-range integers are named", () => {
    expect(urlProblem("http://h/api/trpc/tasks.get?input=%7B%22id%22%3A%22a%00%22%7D")).toMatch(/NUL/);
    // Broken percent-encoding, as a full URL (route handlers) or as the raw path (the web server, proxy.ts).
    expect(urlProblem("http://h/api/trpc/runs.get?input=%E0%A4%A")).toMatch(/not valid percent-encoding/);
    expect(urlProblem("/runs/%E0%A4%A")).toMatch(/not valid percent-encoding/);
    expect(urlProblem("/api/trpc/runs.get?input=%7B%22json%22%3A%7B%7D%7D")).toBeNull();
    expect(urlProblem("http://h")).toBeNull();
    expect(unstorableValue({ json: { id: "a\u0000b" } })).toMatch(/input.json.id contains a NUL/);
    expect(unstorableValue({ json: { page: 2 ** 31 } })).toMatch(/out of range/);
    expect(unstorableValue({ json: { page: 2 ** 31 - 1, name: "ok" } })).toBeNull();
  });

  it("anonymous reading is on by default only while listening on localhost", () => {
    expect(isAnonymousReadAllowed({ HOST: "127.0.0.1", RODS_ANONYMOUS_READ: "auto" })).toBe(true);
    expect(isAnonymousReadAllowed({ HOST: "localhost", RODS_ANONYMOUS_READ: "auto" })).toBe(true);
    expect(isAnonymousReadAllowed({ HOST: "0.0.0.0", RODS_ANONYMOUS_READ: "auto" })).toBe(false);
    expect(isAnonymousReadAllowed({ HOST: "10.0.0.5", RODS_ANONYMOUS_READ: "auto" })).toBe(false);
    expect(isAnonymousReadAllowed({ HOST: "0.0.0.0", RODS_ANONYMOUS_READ: "true" })).toBe(true);
    expect(isAnonymousReadAllowed({ HOST: "127.0.0.1", RODS_ANONYMOUS_READ: "false" })).toBe(false);
  });
});
