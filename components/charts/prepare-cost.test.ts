import { describe, expect, it } from "vitest";
import { costShare, NO_COST } from "@/server/rods/cost-share";
import { costShareCell, formatCostShare, formatSeconds, prepareCost } from "./prepare-cost";

const procedural = {
  synthesizes: true,
  synthesizer: "procedural" as const,
  policy: "simulated" as const,
  rolloutsBy: "rods" as const,
  synthesis: { count: 9, tokensIn: 0, tokensOut: 0, wallMs: 1_500, cpuMs: 1_250 },
  rollouts: { count: 320, tokensIn: 40_000, tokensOut: 8_000, wallMs: 8_500, cpuMs: 3_750 },
};

describe("prepareCost", () => {
  it("lists tokens, wall time and CPU with the headline metric marked and estimated tokens said so", () => {
    const { rows, headline } = prepareCost(costShare(procedural));
    expect(rows.map((r) => [r.label, r.synthesis, r.rollouts, r.share, r.isHeadline])).toEqual([
      ["Model tokens", "0", "48,000 (estimated)", "0 %", false],
      ["Job wall time", "1.50 s", "8.50 s", "15.0 %", false],
      ["Worker CPU", "1.25 s", "3.75 s", "25.0 %", true],
    ]);
    expect(rows[0]!.note).toBe("the procedural synthesizer uses no model");
    expect(headline).toBe("25.0 % of worker CPU");
  });

  it("shows a static run as 0 %, not a blank", () => {
    const cost = costShare({ ...procedural, synthesizes: false, synthesis: NO_COST, rollouts: NO_COST });
    expect(prepareCost(cost)).toMatchObject({ headline: "0 %: this mode does not synthesize", isStatic: true, share: "0 %" });
    expect(costShareCell(cost).text).toBe("0 %: this mode does not synthesize");
  });

  it("says why a share is unknown, and marks an estimated headline", () => {
    expect(prepareCost(costShare({ ...procedural, synthesis: NO_COST, rollouts: NO_COST })).headline).toBe("not known yet: nothing measured yet");
    const llm = costShare({ ...procedural, synthesizer: "llm", synthesis: { ...procedural.synthesis, tokensIn: 10_000, tokensOut: 2_000 } });
    expect(prepareCost(llm).headline).toBe("20.0 % of model tokens (estimated)");
    expect(costShareCell(llm).title).toMatch(/9 synthesis attempts, 320 rollouts/);
  });
});

describe("cost formats", () => {
  it("never rounds a small share to 0 and never a partial one to 100", () => {
    expect(formatCostShare(0)).toBe("0 %");
    expect(formatCostShare(0.0004)).toBe("< 0.1 %");
    expect(formatCostShare(0.9996)).toBe("> 99.9 %");
    expect(formatCostShare(1)).toBe("100.0 %");
    expect(formatCostShare(null)).toBe("—");
  });
  it("writes seconds for their size", () => {
    expect([formatSeconds(0), formatSeconds(0.421), formatSeconds(12.34), formatSeconds(245)]).toEqual(["0 s", "0.42 s", "12.3 s", "4 min 05 s"]);
  });
});
