import { describe, expect, it } from "vitest";
import { prepareTrainerMetrics } from "./prepare-trainer";

describe("prepareTrainerMetrics", () => {
  it("draws one line per reported metric, leaves unreported steps as gaps, and is empty without acks", () => {
    const chart = prepareTrainerMetrics([
      { stepIndex: 0, metrics: { loss: 1.5, lr: 0.1 } },
      { stepIndex: 1, metrics: { loss: 1.2 } },
    ]);
    expect(chart.names).toEqual(["loss", "lr"]);
    expect(chart.rows).toEqual([
      { step: 1, "m:loss": 1.5, "m:lr": 0.1 },
      { step: 2, "m:loss": 1.2, "m:lr": null },
    ]);
    expect(chart.isEmpty).toBe(false);
    expect(prepareTrainerMetrics([]).isEmpty).toBe(true);
    expect(prepareTrainerMetrics([{ stepIndex: 0, metrics: {} }]).isEmpty).toBe(true);
  });
});
