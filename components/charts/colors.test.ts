import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHART_HUES, categoryColor, hue, REGION_COLORS, RETIRE_COLORS, runColor, runDash, RUN_COLORS } from "./colors";
import { prepareCompare } from "./prepare-compare";
import { prepareHistogram, prepareScatter } from "./prepare-distribution";
import { prepareRegionOccupancy } from "./prepare-series";

describe("colours per identity", () => {
  it("gives each region one distinct colour", () => {
    expect(new Set(Object.values(REGION_COLORS)).size).toBe(3);
  });

  it("draws a region in its colour on every chart that shows regions", () => {
    const step = { step: 0, informativeFraction: 0.5, meanPhi: 0.5, gradConcentration: 0.2, seedHard: 1, seedBoundary: 2, seedMastered: 3, synthesizedHard: 0, synthesizedBoundary: 1, synthesizedMastered: 0, infraFailures: 0, numRollouts: 16, tokensIn: 0, tokensOut: 0 };
    const occupancy = prepareRegionOccupancy([step], "seed").series;
    const scatter = prepareScatter([
      { taskId: "a", mean: 0.1, variance: 0.05, region: "hard", isSeed: true },
      { taskId: "b", mean: 0.5, variance: 0.2, region: "boundary", isSeed: false },
      { taskId: "c", mean: 0.95, variance: 0.02, region: "mastered", isSeed: true },
    ]).series;
    const landing = prepareHistogram({ min: 0, max: 1, counts: [1, 1, 1, 1] }, { regions: { alphaMinus: 0.25, alphaPlus: 0.75 } }).bins;
    const summary = { steps: 0, rollouts: 0, finalHeldOut: null, finalHeldOutStep: null, bestHeldOut: null, bestHeldOutStep: null, informativeAuc: 0, informativeMean: null, wallSeconds: null };
    const compare = prepareCompare({
      runs: [{ id: "r1", name: "one", mode: "rods", status: "completed", summary }, { id: "r2", name: "two", mode: "static", status: "completed", summary }],
      curves: [],
      settings: [],
    }).regionPanels.flatMap((p) => p.data.series);
    for (const region of ["hard", "boundary", "mastered"] as const) {
      expect(occupancy.find((s) => s.key === region)?.color).toBe(REGION_COLORS[region]);
      for (const s of scatter.filter((x) => x.key.startsWith(region))) expect(s.color).toBe(REGION_COLORS[region]);
      for (const s of compare.filter((x) => x.key.endsWith(region))) expect(s.color).toBe(REGION_COLORS[region]);
    }
    expect(landing.map((b) => b.color)).toEqual([REGION_COLORS.hard, REGION_COLORS.boundary, REGION_COLORS.boundary, REGION_COLORS.mastered]);
  });

  it("colours retirements to leave a region with that region's colour", () => {
    expect(RETIRE_COLORS.mastered).toBe(REGION_COLORS.mastered);
    expect(RETIRE_COLORS.unsolvable).toBe(REGION_COLORS.hard);
  });

  it("cycles run colours and dashes by position, so a run keeps them as the list grows", () => {
    expect(runColor(0)).toBe(RUN_COLORS[0]);
    expect(runColor(RUN_COLORS.length)).toBe(RUN_COLORS[0]);
    expect(runDash(0)).toBeUndefined();
    expect(runDash(1)).toBeTypeOf("string");
  });

  it("keeps a category's colour stable, known or not", () => {
    expect(categoryColor("base")).not.toBe(categoryColor("miss_func"));
    expect(categoryColor("something_new")).toBe(categoryColor("something_new"));
  });
});

describe("chart colours in dark mode", () => {
  const css = readFileSync(new URL("../../app/globals.css", import.meta.url), "utf8");
  const long = (hex: string) => (hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex);
  const block = (source: string) => Object.fromEntries([...source.matchAll(/(--[\w-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b/g)].map((m) => [m[1]!, long(m[2]!)]));
  const darkAt = css.indexOf("@media (prefers-color-scheme: dark)");
  const light = block(css.slice(0, darkAt));
  const dark = block(css.slice(darkAt, css.indexOf("}\n}", darkAt)));
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };

  it("every hue is a CSS variable with its light value as fallback", () => {
    for (const name of Object.keys(CHART_HUES) as (keyof typeof CHART_HUES)[]) expect(hue(name)).toBe(`var(--chart-${name}, ${CHART_HUES[name]})`);
    expect(REGION_COLORS.hard).toBe(hue("red"));
  });

  it("gives every hue a dark value that stands out from a dark card (≥ 3:1, as WCAG asks of graphics)", () => {
    expect(dark["--card"]).toBeDefined();
    for (const name of Object.keys(CHART_HUES)) {
      const value = dark[`--chart-${name}`];
      expect(value, `--chart-${name} has no dark value`).toBeDefined();
      expect(contrast(value!, dark["--card"]!), `--chart-${name} on the dark card`).toBeGreaterThanOrEqual(3);
    }
    // The light ink (held-out overall, P_max) would vanish on a dark card; its dark value does not.
    expect(contrast(CHART_HUES.ink, dark["--card"]!)).toBeLessThan(1.5);
  });

  it("keeps axis text, grid and tooltip text readable in both schemes", () => {
    for (const scheme of [light, dark]) {
      expect(contrast(scheme["--muted"]!, scheme["--card"]!)).toBeGreaterThanOrEqual(4.5); // axis ticks and labels
      expect(contrast(scheme["--fg"]!, scheme["--card"]!)).toBeGreaterThanOrEqual(7); // tooltip text on the card
      expect(contrast(scheme["--chart-grid"]!, scheme["--card"]!)).toBeGreaterThan(1.15); // grid visible, faint
      expect(contrast(scheme["--chart-on-hue"]!, scheme === dark ? dark["--chart-red"]! : CHART_HUES.red)).toBeGreaterThanOrEqual(4.5); // region chip text
    }
  });
});
