"use client";
// The per-task distribution at a chosen step: r̄ and variance histograms with the α and retirement lines, and the
// (r̄, variance) scatter under r̄(1 − r̄). A slider picks the step; Play steps through the run; by default the
// newest step is shown and followed as new steps finish.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ChartCard } from "@/components/charts/chart-card";
import { formatShare } from "@/components/charts/format";
import { HistogramChart } from "@/components/charts/histogram-chart";
import { prepareHistogram, prepareScatter, prepareThresholdLines } from "@/components/charts/prepare-distribution";
import { sliderSteps } from "@/components/charts/prepare-series";
import { TaskScatterChart } from "@/components/charts/task-scatter-chart";
import { METRIC_COLORS, REGION_COLORS } from "@/components/charts/colors";
import chartStyles from "@/components/charts/charts.module.css";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState } from "@/components/ui/states";
import styles from "../runs.module.css";
import type { SeriesRows } from "./run-monitor";

const PLAY_MS = 700;

interface Thresholds {
  alphaMinus: number;
  alphaPlus: number;
  driftLow: number;
  driftHigh: number;
}

export function StepDistribution({
  runId,
  steps,
  thresholds,
  isLive,
  totalSteps,
}: {
  runId: string;
  steps: SeriesRows;
  thresholds: Thresholds;
  isLive: boolean;
  /** the planned total, so the slider says "step 6 of 30" as the header does */
  totalSteps: number | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stops = useMemo(() => sliderSteps(steps), [steps]);
  /** null: follow the newest step */
  const [chosen, setChosen] = useState<number | null>(null);
  const [isPlaying, setIsPlaying] = useState(false);
  const current = chosen !== null && stops.includes(chosen) ? chosen : (stops.at(-1) ?? null);
  const position = current === null ? -1 : stops.indexOf(current);
  const epochOf = new Map(steps.map((s) => [s.step, s.epoch]));

  const distribution = useQuery({
    ...trpc.runs.distribution.queryOptions({ id: runId, stepIndex: current === null ? undefined : current - 1 }),
    enabled: current !== null,
    placeholderData: keepPreviousData,
    // A finished step's statistics never change.
    staleTime: Infinity,
  });

  // Play: advance one step per tick, fetching the next step ahead; stop at the newest.
  useEffect(() => {
    if (!isPlaying) return;
    if (position >= stops.length - 1) {
      setIsPlaying(false);
      return;
    }
    const next = stops[position + 1]!;
    void queryClient.prefetchQuery({ ...trpc.runs.distribution.queryOptions({ id: runId, stepIndex: next - 1 }), staleTime: Infinity });
    const timer = setTimeout(() => setChosen(next), PLAY_MS);
    return () => clearTimeout(timer);
  }, [isPlaying, position, stops, queryClient, trpc, runId]);

  const play = () => {
    if (position >= stops.length - 1) setChosen(stops[0] ?? null);
    setIsPlaying(true);
  };
  const isFollowing = chosen === null || (isLive && current === stops.at(-1) && !isPlaying);
  const lines = prepareThresholdLines(thresholds);
  const d = distribution.data;
  const mean = prepareHistogram(d?.mean ?? { min: 0, max: 1, counts: [] }, { regions: thresholds });
  const variance = prepareHistogram(d?.variance ?? { min: 0, max: 0.25, counts: [] }, { digits: 3 });
  const scatter = prepareScatter(d?.points ?? []);
  const stepText = current === null ? "no step yet" : `step ${current} (epoch ${epochOf.get(current) ?? "?"})`;
  const counts = d?.regionCounts;
  const regionText = counts && d.totalTasks ? `${d.totalTasks} tasks: ${counts.hard} hard, ${counts.boundary} boundary, ${counts.mastered} mastered` : "no tasks";

  return (
    <>
      <div className={styles.sectionHead}>
        <h2>Tasks at {stepText}</h2>
        {d && d.totalTasks ? <span className="muted">{regionText}</span> : null}
      </div>
      <div className={styles.stepper} role="group" aria-label="Step controls">
        <button type="button" onClick={isPlaying ? () => setIsPlaying(false) : play} disabled={stops.length < 2} aria-label={isPlaying ? "Pause playback" : "Play through the steps"}>
          {isPlaying ? "❚❚ Pause" : "▶ Play"}
        </button>
        <input
          type="range"
          aria-label="Step"
          min={0}
          max={Math.max(0, stops.length - 1)}
          value={Math.max(0, position)}
          disabled={stops.length < 2}
          aria-valuetext={stepText}
          onChange={(e) => {
            setIsPlaying(false);
            setChosen(stops[Number(e.target.value)] ?? null);
          }}
        />
        <span className={styles.stepLabel} data-testid="slider-step" aria-live="polite">
          {current === null ? "—" : `step ${current} of ${totalSteps ?? stops.at(-1)}`}
        </span>
        <label className={styles.small}>
          <input type="checkbox" checked={chosen === null} onChange={(e) => setChosen(e.target.checked ? null : current)} /> follow the newest step
        </label>
        {distribution.isFetching && !isFollowing ? <span className={styles.small}>loading…</span> : null}
      </div>
      {distribution.isError ? <ErrorState title="Could not load this step's tasks" message={distribution.error.message} onRetry={() => void distribution.refetch()} /> : null}
      <div className={chartStyles.grid3}>
        <ChartCard
          title="Distribution of r̄ per task"
          subtitle={`${stepText}; bars coloured by region; lines at α−, α+ and the retirement thresholds`}
          summary={`${mean.total} tasks at ${stepText}; ${regionText}.`}
          isEmpty={mean.isEmpty}
          emptyText="No finished step yet."
          testId="chart-mean-histogram"
        >
          <HistogramChart data={mean} xLabel="r̄ (mean reward, 0–1)" lines={lines} />
        </ChartCard>
        <ChartCard
          title="Distribution of reward variance per task"
          subtitle={`${stepText}; zero variance gives no gradient`}
          summary={`${variance.total} tasks; ${variance.bins[0]?.count ?? 0} in the lowest bin (near-zero variance).`}
          isEmpty={variance.isEmpty}
          emptyText="No finished step yet."
          testId="chart-variance-histogram"
        >
          <HistogramChart data={variance} xLabel="variance of the K rewards (0–0.25)" color={METRIC_COLORS.meanPhi} xTicks={[0, 0.05, 0.1, 0.15, 0.2, 0.25]} />
        </ChartCard>
        <ChartCard
          title="Tasks by r̄ and variance"
          subtitle={
            <>
              under the bound r̄(1 − r̄);{" "}
              <span style={{ color: REGION_COLORS.hard }}>hard</span>, <span style={{ color: REGION_COLORS.boundary }}>boundary</span>,{" "}
              <span style={{ color: REGION_COLORS.mastered }}>mastered</span>; ● seeds ▲ synthesized
            </>
          }
          summary={`${scatter.shown} tasks shown${d?.isSampled ? ` (a fixed sample of ${d.totalTasks})` : ""} at ${stepText}.`}
          isEmpty={scatter.isEmpty}
          emptyText="No finished step yet."
          caption={d?.isSampled ? `A fixed sample of ${scatter.shown} of ${d.totalTasks} tasks (the same tasks at every step).` : undefined}
          testId="chart-scatter"
        >
          <TaskScatterChart data={scatter} lines={lines.filter((l) => l.label.includes("α"))} />
        </ChartCard>
      </div>
      <p className={styles.small} style={{ marginTop: -4 }}>
        Informative share at this step: {formatShare(steps.find((s) => s.step === current)?.informativeFraction ?? null)} of tasks have non-zero variance.
      </p>
    </>
  );
}
