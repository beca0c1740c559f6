import { describe, expect, it } from "vitest";
import { RETIRE_COLORS } from "./colors";
import { prepareBuffer, type BufferInput } from "./prepare-buffer";

const input: BufferInput = {
  synthesizes: true,
  retires: true,
  pMax: 400,
  beta: 0.2,
  epochs: [
    { epoch: 1, injected: 12, betaCap: 20, retired: { burn_in: 1, mastered: 3, unsolvable: 0, pruned: 0 }, synthesizedActive: 12, active: 100 },
    { epoch: 0, injected: null, betaCap: null, retired: { burn_in: 0, mastered: 2, unsolvable: 4, pruned: 0 }, synthesizedActive: 0, active: 100 },
    { epoch: 2, injected: 20, betaCap: 20, retired: null, synthesizedActive: 31, active: 112 },
  ],
};

describe("prepareBuffer", () => {
  it("shows injections against the β cap from epoch 1 on (epoch 0 has no injection)", () => {
    const { injection } = prepareBuffer(input);
    expect(injection.rows).toEqual([
      { epoch: 1, injected: 12, betaCap: 20 },
      { epoch: 2, injected: 20, betaCap: 20 },
    ]);
    expect(injection.isEmpty).toBe(false);
  });

  it("stacks retirements by reason per closed epoch, with the epoch still running as a gap", () => {
    const { retirement } = prepareBuffer(input);
    expect(retirement.rows.map((r) => r.epoch)).toEqual([0, 1, 2]);
    expect(retirement.rows[0]).toEqual({ epoch: 0, burn_in: 0, mastered: 2, unsolvable: 4, pruned: 0 });
    expect(retirement.rows[2]).toEqual({ epoch: 2, burn_in: null, mastered: null, unsolvable: null, pruned: null });
    expect(retirement.series.map((s) => [s.key, s.color])).toEqual(Object.entries(RETIRE_COLORS));
  });

  it("tracks the synthesized pool against P_max", () => {
    const { pool } = prepareBuffer(input);
    expect(pool.rows.map((r) => r.synthesizedActive)).toEqual([0, 12, 31]);
    expect(pool.pMax).toBe(400);
  });

  it("is empty where the mode does nothing: no synthesis in static, no retirement in no_retirement", () => {
    const staticRun = prepareBuffer({ ...input, synthesizes: false, retires: false });
    expect(staticRun.injection.isEmpty).toBe(true);
    expect(staticRun.pool.isEmpty).toBe(true);
    expect(staticRun.retirement.isEmpty).toBe(true);
    const nothingRetired = prepareBuffer({ ...input, epochs: input.epochs.map((e) => ({ ...e, retired: e.retired && { burn_in: 0, mastered: 0, unsolvable: 0, pruned: 0 } })) });
    expect(nothingRetired.retirement.isEmpty).toBe(true);
  });
});
