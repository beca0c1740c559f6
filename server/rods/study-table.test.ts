import { describe, expect, it } from "vitest";
import { buildStudyTable, informativeAuc, meanSd, studyCsv, studyMarkdown, type StudyRunInput } from "./study-table";

function run(mode: string, seed: number, heldOut: number | null, informative: number[], extra: Partial<StudyRunInput> = {}): StudyRunInput {
  return {
    runId: `${mode}-${seed}`,
    mode,
    seed,
    status: "completed",
    steps: informative.length,
    rollouts: informative.length * 100,
    wallSeconds: 10 * seed,
    heldOutFinal: heldOut,
    heldOutFinalByCategory: heldOut === null ? {} : { base: heldOut + 0.1, miss_func: heldOut - 0.1 },
    heldOutInitial: 0.2,
    informative,
    reward: informative.map((x) => 1 - x),
    synthesisShare: mode === "static" ? 0 : 0.1 * seed,
    costBasis: "tokens",
    isCostEstimated: true,
    ...extra,
  };
}

describe("study table", () => {
  it("computes mean and sample sd, and leaves sd out below two values", () => {
    expect(meanSd([1, 2, 3])).toEqual({ mean: 2, sd: 1, n: 3 });
    expect(meanSd([0.5, null])).toEqual({ mean: 0.5, sd: null, n: 1 });
    expect(meanSd([])).toEqual({ mean: null, sd: null, n: 0 });
  });

  it("integrates the informative fraction over steps", () => {
    expect(informativeAuc([1, 0.5, null, 0.25])).toBe(1.75);
    expect(informativeAuc([])).toBeNull();
  });

  it("pairs the difference to static by seed, and summarises per mode and category", () => {
    const table = buildStudyTable({
      modes: ["static", "rods"],
      runs: [run("static", 1, 0.4, [1, 0.8]), run("static", 2, 0.5, [1, 0.6]), run("rods", 1, 0.5, [1, 0.9]), run("rods", 2, 0.7, [1, 1])],
    });
    const [s, r] = table.rows;
    expect(s!.heldOutFinal.mean).toBeCloseTo(0.45, 12);
    expect(r!.deltaToStatic!.mean).toBeCloseTo((0.1 + 0.2) / 2, 12);
    expect(r!.deltaToStatic!.sd).toBeCloseTo(Math.SQRT1_2 * 0.1, 12);
    expect(r!.informativeAuc.mean).toBeCloseTo(1.95, 12);
    expect(table.categories).toEqual(["base", "miss_func"]);
    expect(r!.byCategory.base!.mean).toBeCloseTo(0.7, 12);
    expect(table.curves[1]!.informative).toEqual([
      { step: 1, mean: 1, low: 1, high: 1, n: 2 },
      { step: 2, mean: 0.95, low: 0.95 - Math.SQRT1_2 * 0.1, high: 0.95 + Math.SQRT1_2 * 0.1, n: 2 },
    ]);
  });

  it("writes Markdown in % with ± and CSV with mean and sd columns", () => {
    const table = buildStudyTable({ modes: ["static", "rods"], runs: [run("static", 1, 0.4, [1]), run("static", 2, 0.5, [1]), run("rods", 1, 0.5, [1]), run("rods", 2, null, [1], { status: "running" })] });
    const md = studyMarkdown(table);
    expect(md.split("\n")[0]).toBe("| mode | seeds | held-out % | base % | miss_func % | Δ vs static (pp) | informative AUC (steps) | steps | rollouts | wall s | synthesis cost % |");
    expect(md).toContain("| static | 2/2 | 45.0 ± 7.1 |");
    expect(md).toContain("| rods | 1/2 | 50.0 |");
    expect(md).toContain("+10.0");
    // Synthesis cost share: static 0 on every seed, rods over the seeds that are known.
    expect(md.split("\n")[2]!.endsWith("| 0.0 ± 0.0 |")).toBe(true);
    expect(table.rows[1]!.synthesisShare).toMatchObject({ n: 2 });
    expect(table.rows[1]!.synthesisShare.mean).toBeCloseTo(0.15, 12);
    const csv = studyCsv(table).trim().split("\n");
    expect(csv[0]!.startsWith("mode,seeds,completed,held_out_mean,held_out_sd,held_out_base_mean")).toBe(true);
    expect(csv[1]!.startsWith("static,2,2,0.45,0.0707")).toBe(true);
    expect(csv[0]!.endsWith(",synthesis_cost_share_mean,synthesis_cost_share_sd,synthesis_cost_basis,synthesis_cost_estimated")).toBe(true);
    // The share's metric and that it counts estimated tokens (an llm synthesizer beside the simulated learner).
    expect(csv[2]!.endsWith(",tokens,true")).toBe(true);
    expect(csv).toHaveLength(3);
  });
});
