import { describe, expect, it } from "vitest";
import { ZRunConfig } from "../rods/config";
import { canRollAhead } from "./roll-ahead";

const openai = { kind: "openai", baseUrl: "http://127.0.0.1:8000/v1", model: "m" } as const;

describe("canRollAhead", () => {
  it("queues an external policy's next step early, never the simulated learner's (RODS updates it between steps)", () => {
    expect(canRollAhead(ZRunConfig.parse({ policy: openai }), 1)).toBe(true);
    expect(canRollAhead(ZRunConfig.parse({ policy: { kind: "simulated" } }), 1)).toBe(false);
  });

  it("never for a trainer-driven run, and never past a training budget", () => {
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, rollouts: "trainer" }), 1)).toBe(false);
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, budgetSteps: 3 }), 2)).toBe(true);
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, budgetSteps: 3 }), 3)).toBe(false);
    expect(canRollAhead(ZRunConfig.parse({ policy: openai, budgetRollouts: 10_000 }), 1)).toBe(false);
  });
});
