"use client";
// Over training: the training signal (pool depletion at a glance), held-out score, region occupancy.
import { useQuery } from "@tanstack/react-query";
import { ChartCard } from "@/components/charts/chart-card";
import chartStyles from "@/components/charts/charts.module.css";
import { formatShare } from "@/components/charts/format";
import { lastValue } from "@/components/charts/prepare-common";
import { prepareHeldOut } from "@/components/charts/prepare-held-out";
import { prepareRegionOccupancy, prepareTrainingSignals } from "@/components/charts/prepare-series";
import { RegionAreaChart } from "@/components/charts/region-area-chart";
import { StepLineChart } from "@/components/charts/step-line-chart";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState } from "@/components/ui/states";
import styles from "../runs.module.css";
import type { SeriesRows } from "./run-monitor";

const share = (v: number) => formatShare(v, 1);

export function TrainingCharts({ runId, steps }: { runId: string; steps: SeriesRows }) {
  const trpc = useTRPC();
  const heldOut = useQuery(trpc.runs.heldOut.queryOptions({ id: runId }));
  const signals = prepareTrainingSignals(steps);
  const seeds = prepareRegionOccupancy(steps, "seed");
  const synthesized = prepareRegionOccupancy(steps, "synthesized");
  const held = prepareHeldOut(heldOut.data ?? []);
  const regionNow = (d: typeof seeds) => {
    const last = d.rows.at(-1);
    return last ? `at step ${last.step}: ${last.hard ?? "?"} hard, ${last.boundary ?? "?"} boundary, ${last.mastered ?? "?"} mastered` : "no steps";
  };
  return (
    <>
      <div className={styles.sectionHead}>
        <h2>Over training</h2>
      </div>
      <div className={chartStyles.grid2}>
        <ChartCard
          title="Informative fraction, mean φ and gradient concentration"
          subtitle="share of tasks with non-zero reward variance; φ = 4·r̄·(1 − r̄); share of the summed group std held by the top 10 % of tasks"
          summary={`${signals.rows.length} steps; informative fraction now ${formatShare(lastValue(signals.rows, "informativeFraction"))}, mean φ ${formatShare(lastValue(signals.rows, "meanPhi"))}, gradient concentration ${formatShare(lastValue(signals.rows, "gradConcentration"))}.`}
          isEmpty={signals.isEmpty}
          emptyText="Appears when the first step finishes."
          legend={signals.series}
          testId="chart-signals"
        >
          <StepLineChart data={signals} yLabel="share (0–1)" yDomain={[0, 1]} emphasise={["informativeFraction"]} valueFormat={share} />
        </ChartCard>
        {heldOut.isError ? (
          <ErrorState title="Could not load the held-out scores" message={heldOut.error.message} onRetry={() => void heldOut.refetch()} />
        ) : (
          <ChartCard
            title="Held-out score over training"
            subtitle="test split: success rate overall (bold) and per category; dashed: overall progress reward R_P"
            summary={
              held.latest
                ? `${held.rows.length} evaluations; overall success ${formatShare(held.first?.score, 1)} at step ${held.first?.step} and ${formatShare(held.latest.score, 1)} at step ${held.latest.step}.`
                : "no evaluation yet"
            }
            isEmpty={held.isEmpty}
            emptyTitle={heldOut.isPending ? "Loading…" : "No evaluation yet"}
            emptyText="The held-out split is evaluated before the first step and every few epochs."
            legend={held.series}
            testId="chart-held-out"
          >
            <StepLineChart data={held} yLabel="success rate (0–1)" yDomain={[0, 1]} emphasise={["overall"]} valueFormat={share} />
          </ChartCard>
        )}
      </div>
      <div className={chartStyles.grid2}>
        <ChartCard
          title="Region occupancy: seed tasks"
          subtitle="seed tasks per region at each step (stacked)"
          summary={`Seed tasks ${regionNow(seeds)}.`}
          isEmpty={seeds.isEmpty}
          emptyText="Appears when the first step finishes."
          legend={seeds.series}
          testId="chart-regions-seed"
        >
          <RegionAreaChart data={seeds} yLabel="seed tasks" />
        </ChartCard>
        <ChartCard
          title="Region occupancy: synthesized tasks"
          subtitle="synthesized tasks per region at each step (stacked)"
          summary={`Synthesized tasks ${regionNow(synthesized)}.`}
          isEmpty={synthesized.isEmpty}
          emptyTitle="No synthesized task rolled out yet"
          emptyText="Synthesized tasks enter the pool at epoch boundaries (not in static mode)."
          legend={synthesized.series}
          testId="chart-regions-synthesized"
        >
          <RegionAreaChart data={synthesized} yLabel="synthesized tasks" />
        </ChartCard>
      </div>
    </>
  );
}
