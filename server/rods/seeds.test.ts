import { describe, it, expect } from "vitest";
import { createRng } from "./random";
import { selectSeeds, type SeedCandidate } from "./seeds";

function cand(taskId: string, category: string, phi: number, region: SeedCandidate["region"] = "boundary", lastSeedStep: number | null = null): SeedCandidate {
  return { taskId, category, mean: 0.5, phi, region, lastSeedStep };
}

const base = { step: 10, quotaPerCategory: 2, cooldownSteps: 5, isRandom: false };

describe("selectSeeds (boundary)", () => {
  it("takes only boundary tasks, highest φ first, up to the quota per category", () => {
    const seeds = selectSeeds({
      ...base,
      candidates: [
        cand("a1", "base", 0.5),
        cand("a2", "base", 0.9),
        cand("a3", "base", 0.7),
        cand("h1", "base", 1, "hard"),
        cand("m1", "base", 1, "mastered"),
        cand("b1", "miss_func", 0.3),
      ],
    });
    expect(seeds).toEqual(["a2", "a3", "b1"]);
  });

  it("returns the whole boundary set when the quota is larger", () => {
    const seeds = selectSeeds({ ...base, quotaPerCategory: 10, candidates: [cand("a", "base", 0.4), cand("b", "base", 0.8), cand("c", "base", 0.1, "hard")] });
    expect(seeds).toEqual(["b", "a"]);
  });

  it("returns nothing with a zero quota or no candidates", () => {
    expect(selectSeeds({ ...base, quotaPerCategory: 0, candidates: [cand("a", "base", 1)] })).toEqual([]);
    expect(selectSeeds({ ...base, candidates: [] })).toEqual([]);
  });

  it("breaks φ ties by taskId, whatever the input order", () => {
    const candidates = [cand("c", "base", 0.8), cand("a", "base", 0.8), cand("b", "base", 0.8)];
    expect(selectSeeds({ ...base, candidates })).toEqual(["a", "b"]);
    expect(selectSeeds({ ...base, candidates: [...candidates].reverse() })).toEqual(["a", "b"]);
  });

  it("skips tasks seeded within the cooldown and takes the next best", () => {
    const candidates = [
      cand("recent", "base", 1, "boundary", 5), // 10 − 5 = 5 ≤ 5: skipped
      cand("old", "base", 0.9, "boundary", 4), // 10 − 4 = 6 > 5: allowed
      cand("never", "base", 0.2),
    ];
    expect(selectSeeds({ ...base, candidates })).toEqual(["old", "never"]);
  });

  it("never skips with cooldown 0, even a task seeded this step", () => {
    const candidates = [cand("a", "base", 1, "boundary", 10), cand("b", "base", 0.5, "boundary", 9)];
    expect(selectSeeds({ ...base, cooldownSteps: 0, candidates })).toEqual(["a", "b"]);
  });
});

describe("selectSeeds (random_seeds)", () => {
  const candidates = [
    ...Array.from({ length: 6 }, (_, i) => cand(`b${i}`, "base", 0, i % 2 ? "hard" : "mastered")),
    ...Array.from({ length: 3 }, (_, i) => cand(`m${i}`, "miss_param", 0.1, "boundary", i === 0 ? 9 : null)),
  ];

  it("draws the quota per category from any region, respecting the cooldown", () => {
    const seeds = selectSeeds({ ...base, isRandom: true, rng: createRng(7), candidates });
    expect(seeds.filter((s) => s.startsWith("b"))).toHaveLength(2);
    expect(seeds.filter((s) => s.startsWith("m"))).toHaveLength(2);
    expect(seeds).not.toContain("m0");
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it("is deterministic for a seed and independent of the input order", () => {
    const a = selectSeeds({ ...base, isRandom: true, rng: createRng(7), candidates });
    const b = selectSeeds({ ...base, isRandom: true, rng: createRng(7), candidates: [...candidates].reverse() });
    expect(b).toEqual(a);
  });

  it("draws different tasks for different seeds", () => {
    const draws = new Set(
      Array.from({ length: 20 }, (_, s) => selectSeeds({ ...base, quotaPerCategory: 1, isRandom: true, rng: createRng(s), candidates }).join(",")),
    );
    expect(draws.size).toBeGreaterThan(1);
  });

  it("refuses to draw without an rng", () => {
    expect(() => selectSeeds({ ...base, isRandom: true, candidates })).toThrow(/rng/);
  });
});
