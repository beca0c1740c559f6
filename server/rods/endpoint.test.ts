import { describe, expect, it } from "vitest";
import { ZRunConfig } from "./config";
import { endpointUrlProblem, keyEnvProblem, parseKeyEnvAllowlist, redactConfigUrls, sanitiseUpstreamMessage } from "./endpoint";

describe("endpoint rules", () => {
  it("accepts http(s) URLs without credentials and refuses the rest", () => {
    expect(endpointUrlProblem("http://localhost:8000/v1")).toBeNull();
    expect(endpointUrlProblem("https://api.example.com/v1")).toBeNull();
    expect(endpointUrlProblem("file:///etc/passwd")).toMatch(/http/);
    expect(endpointUrlProblem("gopher://x")).toMatch(/http/);
    expect(endpointUrlProblem("https://user:secret@api.example.com/v1")).toMatch(/user:password/);
    expect(endpointUrlProblem("not a url")).toMatch(/full URL/);
  });

  it("run configs refuse credentialed and non-http base URLs", () => {
    const bad = ZRunConfig.safeParse({ policy: { kind: "openai", baseUrl: "http://u:p@h/v1", model: "m" } });
    expect(bad.success).toBe(false);
    expect(ZRunConfig.safeParse({ policy: { kind: "openai", baseUrl: "ftp://h/v1", model: "m" } }).success).toBe(false);
    expect(ZRunConfig.safeParse({ policy: { kind: "openai", baseUrl: "http://h:8000/v1", model: "m" } }).success).toBe(true);
  });

  it("the allowlist never admits RODS's own secrets", () => {
    expect(parseKeyEnvAllowlist("OPENAI_API_KEY, VLLM_KEY DATABASE_URL,RODS_ADMIN_PASSWORD,PGPASSWORD,lower")).toEqual(["OPENAI_API_KEY", "VLLM_KEY"]);
    expect(keyEnvProblem(undefined, [])).toBeNull();
    expect(keyEnvProblem("OPENAI_API_KEY", ["OPENAI_API_KEY"])).toBeNull();
    expect(keyEnvProblem("DATABASE_URL", ["OPENAI_API_KEY"])).toMatch(/pick one of OPENAI_API_KEY/);
    expect(keyEnvProblem("X", [])).toMatch(/No API key variables are allowed/);
  });

  it("upstream messages come back short, single-line and without secrets", () => {
    const html = `<html><body><h1>502</h1>\n\nAuthorization: Bearer sk-abcdefghijklmnop echoed; db postgresql://postgres:pw@127.0.0.1/rods ${"x".repeat(500)}</body></html>`;
    const out = sanitiseUpstreamMessage(html);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).not.toMatch(/sk-abcdefghijklmnop|pw@|<h1>|\n/);
    expect(out).toContain("502");
  });

  it("stored configs are shown without URL credentials", () => {
    const config = { mode: "rods", policy: { kind: "openai", baseUrl: "https://me:secret@host/v1", model: "m" } };
    expect(redactConfigUrls(config).policy.baseUrl).toBe("https://host/v1");
    expect(config.policy.baseUrl).toContain("secret");
  });
});

describe("run config input", () => {
  it("accepts only plain objects: a Date, Set, Map or array is refused instead of becoming a default run", async () => {
    const { ZRunConfigInput } = await import("./config");
    expect(ZRunConfigInput.safeParse({}).success).toBe(true);
    expect(ZRunConfigInput.safeParse(Object.create(null)).success).toBe(true);
    for (const odd of [new Date(), new Set(), new Map(), [], "x", 1, null]) {
      const parsed = ZRunConfigInput.safeParse(odd);
      expect(parsed.success, String(odd)).toBe(false);
      if (!parsed.success) expect(parsed.error.issues[0]!.message).toMatch(/JSON object/);
    }
  });
});
