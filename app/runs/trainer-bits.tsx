"use client";
// What the runs list and the monitor show for runs trained by an external trainer (trainer: "external").
import { useQuery } from "@tanstack/react-query";
import { ChartCard } from "@/components/charts/chart-card";
import chartStyles from "@/components/charts/charts.module.css";
import { formatDuration } from "@/components/charts/format";
import { prepareTrainerMetrics } from "@/components/charts/prepare-trainer";
import { StepLineChart } from "@/components/charts/step-line-chart";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState } from "@/components/ui/states";
import styles from "./runs.module.css";

/** "waiting for trainer since 14:31:05 (2 min)": the driver holds the next step until the trainer acknowledges. */
export function WaitingForTrainer({ since, now = new Date() }: { since: Date | string | null | undefined; now?: Date }) {
  if (!since) return null;
  const at = new Date(since);
  return (
    <div className={styles.small} role="status" data-testid="waiting-for-trainer">
      waiting for trainer since {at.toLocaleTimeString()} ({formatDuration(Math.max(0, (now.getTime() - at.getTime()) / 1000))})
    </div>
  );
}

/** A trainer-driven run (rollouts: "trainer") moves only when its trainer claims work and submits rollouts. */
export function TrainerDrivenBanner({ runId }: { runId: string }) {
  return (
    <div className="banner" role="status" data-testid="trainer-driven">
      Rollouts come from your trainer: each step waits until it claims the work (<code>POST /api/v1/runs/{runId}/batches/claim</code>) and
      submits every rollout. A step that does not move means no trainer is claiming; see “Trainers that roll out themselves” in the README.
    </div>
  );
}

/** The trainer's acknowledged metrics by step, beside the pool's charts. */
export function TrainerCharts({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const metrics = useQuery(trpc.runs.trainerMetrics.queryOptions({ id: runId }));
  if (metrics.isError) return <ErrorState title="Could not load the trainer's metrics" message={metrics.error.message} onRetry={() => void metrics.refetch()} />;
  const rows = metrics.data ?? [];
  const chart = prepareTrainerMetrics(rows);
  const last = rows.at(-1);
  return (
    <>
      <div className={styles.sectionHead}>
        <h2>External trainer</h2>
      </div>
      <div className={chartStyles.grid2}>
        <ChartCard
          title="Trainer metrics by step"
          subtitle="the numbers the trainer sent with each acknowledgement (loss, kl, gradNorm, lr, …)"
          summary={last ? `${rows.length} steps acknowledged; the last, step ${last.stepIndex + 1}, moved the policy to version ${last.policyVersion} after ${formatDuration(last.trainSeconds)} of training.` : "no acknowledgement yet"}
          isEmpty={chart.isEmpty}
          emptyTitle={metrics.isPending ? "Loading…" : "No metrics yet"}
          emptyText="Appears when the trainer acknowledges a batch with metrics."
          legend={chart.series}
          testId="chart-trainer-metrics"
        >
          <StepLineChart data={chart} yLabel="value (as reported)" yDomain={["auto", "auto"]} />
        </ChartCard>
      </div>
    </>
  );
}
