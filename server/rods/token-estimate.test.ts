import { describe, expect, it } from "vitest";
import { areRunTokensEstimated, areTokensEstimated } from "./token-estimate";

describe("areTokensEstimated", () => {
  it("marks the simulated learner's tokens as estimates and a server's as reported", () => {
    expect(areTokensEstimated("simulated")).toBe(true);
    expect(areTokensEstimated("openai")).toBe(false);
  });
  it("reads a stored run config, where a config without a policy runs the simulated learner", () => {
    expect(areRunTokensEstimated({ policy: { kind: "openai", baseUrl: "http://127.0.0.1:1/v1" } })).toBe(false);
    expect(areRunTokensEstimated({ policy: { kind: "simulated" } })).toBe(true);
    expect(areRunTokensEstimated({})).toBe(true);
    expect(areRunTokensEstimated(null)).toBe(true);
  });
});
