import { describe, expect, it } from "vitest";
import { costBasis, costShare, NO_COST, type CostShareInput } from "./cost-share";

const synthesis = { count: 12, tokensIn: 0, tokensOut: 0, wallMs: 3_000, cpuMs: 2_500 };
const rollouts = { count: 640, tokensIn: 90_000, tokensOut: 10_000, wallMs: 12_000, cpuMs: 7_500 };
const procedural: CostShareInput = { synthesizes: true, synthesizer: "procedural", policy: "simulated", rolloutsBy: "rods", synthesis, rollouts };

describe("synthesis cost share", () => {
  it("is a ratio of sums per metric, in seconds for time", () => {
    const c = costShare(procedural);
    expect(c.metrics.cpu).toMatchObject({ synthesis: 2.5, rollouts: 7.5, share: 0.25 });
    expect(c.metrics.wall).toMatchObject({ synthesis: 3, rollouts: 12, share: 0.2 });
    expect(c.attempts).toBe(12);
    expect(c.rolloutCount).toBe(640);
  });

  it("headlines worker CPU for procedural synthesis beside the simulated learner, measured not estimated", () => {
    const c = costShare(procedural);
    expect(c.basis).toBe("cpu");
    expect(c.share).toBe(0.25);
    expect(c.isEstimated).toBe(false);
    expect(c.basisText).toMatch(/worker CPU/);
  });

  it("marks the simulated learner's tokens as estimated, and procedural synthesis as using no model tokens", () => {
    const c = costShare(procedural);
    expect(c.metrics.tokens).toMatchObject({ synthesis: 0, rollouts: 100_000, share: 0, isEstimated: true, note: "the procedural synthesizer uses no model" });
  });

  it("headlines tokens for the llm synthesizer, estimated when the policy is the simulated learner", () => {
    const llm = { ...procedural, synthesizer: "llm" as const, synthesis: { ...synthesis, tokensIn: 20_000, tokensOut: 5_000 } };
    const simulated = costShare(llm);
    expect(simulated).toMatchObject({ basis: "tokens", share: 0.2, isEstimated: true });
    expect(simulated.basisText).toMatch(/estimated/);
    const openai = costShare({ ...llm, policy: "openai" });
    expect(openai).toMatchObject({ basis: "tokens", share: 0.2, isEstimated: false });
    expect(openai.metrics.tokens.note).toBeNull();
  });

  it("headlines job wall time for procedural synthesis beside a policy behind a server", () => {
    expect(costBasis({ synthesizer: "procedural", policy: "openai" })).toBe("wall");
    expect(costShare({ ...procedural, policy: "openai" })).toMatchObject({ basis: "wall", share: 0.2 });
  });

  it("gives a static run 0 on every metric, even before anything ran", () => {
    const c = costShare({ ...procedural, synthesizes: false, synthesis: NO_COST, rollouts: NO_COST });
    for (const m of Object.values(c.metrics)) expect(m).toMatchObject({ share: 0, note: "this mode does not synthesize" });
    expect(c.share).toBe(0);
  });

  it("has no share before anything was measured, and none when the trainer rolls out itself", () => {
    expect(costShare({ ...procedural, synthesis: NO_COST, rollouts: NO_COST }).share).toBeNull();
    const trainer = costShare({ ...procedural, rolloutsBy: "trainer" });
    expect(trainer.share).toBeNull();
    expect(trainer.metrics.cpu.note).toMatch(/trainer rolls out itself/);
  });

  it("is 1 when only synthesis has spent anything so far", () => {
    expect(costShare({ ...procedural, rollouts: NO_COST }).share).toBe(1);
  });
});
