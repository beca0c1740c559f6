// The replay buffer per epoch: synthesized tasks injected against the β cap, retirements by reason, and the
// synthesized share of the active pool against P_max. Input: runs.buffer.
import { METRIC_COLORS, RETIRE_COLORS, RETIRE_LABELS, RETIRE_REASONS } from "./colors";
import type { BufferLifecycle } from "@/server/services/monitor/buffer-lifecycle";
import { finiteOrNull, type SeriesSpec } from "./prepare-common";

export type BufferInput = Pick<BufferLifecycle, "synthesizes" | "retires" | "pMax" | "beta" | "epochs">;

export type EpochRow = { epoch: number } & Record<string, number | null>;

export interface EpochChartData {
  rows: EpochRow[];
  series: SeriesSpec[];
  isEmpty: boolean;
}

export interface BufferCharts {
  injection: EpochChartData;
  retirement: EpochChartData;
  pool: EpochChartData & { pMax: number };
}

const byEpoch = <T extends { epoch: number }>(rows: readonly T[]) => [...rows].sort((a, b) => a.epoch - b.epoch);

export function prepareBuffer(input: BufferInput): BufferCharts {
  const epochs = byEpoch(input.epochs);
  // Injection happens at the start of epochs 1…; epoch 0 has none to show.
  const injectionRows = epochs.filter((e) => e.epoch > 0).map((e) => ({ epoch: e.epoch, injected: finiteOrNull(e.injected), betaCap: finiteOrNull(e.betaCap) }));
  const retirementRows = epochs.map((e) => ({
    epoch: e.epoch,
    ...Object.fromEntries(RETIRE_REASONS.map((r) => [r, e.retired ? finiteOrNull(e.retired[r]) : null])),
  })) as EpochRow[];
  const poolRows = epochs.map((e) => ({ epoch: e.epoch, synthesizedActive: finiteOrNull(e.synthesizedActive), active: finiteOrNull(e.active) }));
  return {
    injection: {
      rows: injectionRows,
      series: [
        { key: "injected", label: "injected", color: METRIC_COLORS.injected },
        { key: "betaCap", label: "β cap", color: METRIC_COLORS.betaCap, dash: "5 3" },
      ],
      isEmpty: !input.synthesizes || injectionRows.length === 0,
    },
    retirement: {
      rows: retirementRows,
      series: RETIRE_REASONS.map((r) => ({ key: r, label: RETIRE_LABELS[r], color: RETIRE_COLORS[r] })),
      isEmpty: !input.retires || !retirementRows.some((row) => RETIRE_REASONS.some((r) => (row[r] ?? 0) > 0)),
    },
    pool: {
      rows: poolRows,
      series: [{ key: "synthesizedActive", label: "synthesized in the active pool", color: METRIC_COLORS.synthesizedActive }],
      isEmpty: !input.synthesizes || poolRows.length === 0,
      pMax: input.pMax,
    },
  };
}
