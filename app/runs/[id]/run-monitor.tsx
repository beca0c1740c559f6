"use client";
// The live monitor of one run: header (status, progress, ETA, settings) and every chart. While the run is queued
// or running, one clock refreshes the page: the header, the step plan and the review gate every 2.5 s, the other
// charts with them every fourth tick, all in one request; the series and the newest step's distribution when the
// header shows another step finished. When it stops being live (finished, paused, failed) every query of the page is
// fetched once more, so the final evaluation and the last synthesis and pool changes show without a reload.
import { focusManager, hashKey, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { formatDuration, formatShare } from "@/components/charts/format";
import { lastValue } from "@/components/charts/prepare-common";
import { prepareHeldOut } from "@/components/charts/prepare-held-out";
import { prepareTrainingSignals } from "@/components/charts/prepare-series";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState, Loading } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import { ProgressBar, RunActions, StatusChip } from "../run-bits";
import styles from "../runs.module.css";
import { TrainerCharts, TrainerDrivenBanner, WaitingForTrainer } from "../trainer-bits";
import { BufferCharts, InfraCharts, SynthesisCharts } from "./pool-charts";
import { ReviewGateBanner } from "./review-gate-banner";
import { RunExports } from "./run-exports";
import { RunEventLog, RunManage, RunNotes, RunTimes } from "./run-manage";
import { StepDistribution } from "./step-distribution";
import { StepPlanNote, type StepPlan } from "./step-plan";
import { SynthesisCost } from "./synthesis-cost";
import { TrainingCharts } from "./training-charts";

type Header = inferRouterOutputs<AppRouter>["runs"]["get"];
export type SeriesRows = inferRouterOutputs<AppRouter>["runs"]["series"];
type HeldOutRows = inferRouterOutputs<AppRouter>["runs"]["heldOut"];

const FAST_MS = 2_500;
/** the slower charts join every SLOW_EVERY-th tick (10 s) */
const SLOW_EVERY = 4;

/**
 * Refreshes a live run's page from one clock: every FAST_MS the header, the step plan and the review gate, and every
 * SLOW_EVERY-th tick the slower charts with them. The refetches start in the same tick, so httpBatchLink sends them
 * as one request (a timer per query sent a request each, at its own phase: 11 requests per 10 s per reader against
 * 4 now). Skipped while the tab is hidden, as React Query's own intervals are; only queries on screen are fetched.
 */
function useLiveClock(runId: string, isLive: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!isLive) return;
    const hashes = (keys: QueryKey[]) => new Set(keys.map((k) => hashKey(k)));
    const fast = hashes([trpc.runs.get.queryKey({ id: runId }), trpc.runs.stepPlan.queryKey({ id: runId }), trpc.review.gate.queryKey({ runId })]);
    const slow = hashes([
      trpc.runs.heldOut.queryKey({ id: runId }),
      trpc.runs.events.queryKey({ id: runId }),
      trpc.runs.buffer.queryKey({ id: runId }),
      trpc.runs.synthesis.queryKey({ id: runId }),
      trpc.runs.landing.queryKey({ id: runId }),
      trpc.runs.costs.queryKey({ ids: [runId] }),
      trpc.runs.trainerMetrics.queryKey({ id: runId }),
    ]);
    let tick = 0;
    const timer = setInterval(() => {
      if (!focusManager.isFocused()) return;
      tick += 1;
      const withSlow = tick % SLOW_EVERY === 0;
      void queryClient.refetchQueries({ type: "active", predicate: (q) => fast.has(q.queryHash) || (withSlow && slow.has(q.queryHash)) });
    }, FAST_MS);
    return () => clearInterval(timer);
  }, [isLive, runId, queryClient, trpc]);
}

export function RunMonitor({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const header = useQuery({
    ...trpc.runs.get.queryOptions({ id: runId }),
    retry: (count, error) => error.data?.code !== "NOT_FOUND" && count < 1,
  });
  const isLive = header.data?.isLive ?? false;
  // The series changes only when a step closes: fetched again when the header's count of finished steps moves, not
  // on every poll (with many people watching, the header poll is small and the series is not).
  const series = useQuery({ ...trpc.runs.series.queryOptions({ id: runId }), enabled: header.isSuccess });
  const stepsDone = header.data?.progress.stepsDone;
  const plan = useQuery({ ...trpc.runs.stepPlan.queryOptions({ id: runId }), enabled: header.isSuccess });
  // The same query as the held-out chart's (one request): the newest score is a figure of the summary too.
  const heldOut = useQuery({ ...trpc.runs.heldOut.queryOptions({ id: runId }), enabled: header.isSuccess });
  const queryClient = useQueryClient();
  useLiveClock(runId, isLive);
  // Fetched again while it has fewer steps than the header counts, at most once per header answer: a state, not an
  // edge, so a step seen while the series is still loading (an invalidation would fold into that fetch) is not lost.
  const seriesSteps = series.data?.length;
  const headerAt = header.dataUpdatedAt;
  const { isFetching: isSeriesFetching, refetch: refetchSeries } = series;
  const refetchedAt = useRef(0);
  useEffect(() => {
    if (stepsDone === undefined || seriesSteps === undefined || isSeriesFetching) return;
    if (seriesSteps >= stepsDone || refetchedAt.current === headerAt) return;
    refetchedAt.current = headerAt;
    void refetchSeries();
  }, [stepsDone, seriesSteps, headerAt, isSeriesFetching, refetchSeries]);
  const wasLive = useRef<boolean | null>(null);
  useEffect(() => {
    if (!header.isSuccess) return;
    // Slow queries polled last up to 10 s before the run stopped; the final evaluation is written just before.
    if (wasLive.current === true && !isLive) void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
    wasLive.current = isLive;
  }, [header.isSuccess, isLive, queryClient, trpc]);

  if (header.isPending) return <Loading label="Loading the run…" />;
  if (header.isError) {
    const isMissing = header.error.data?.code === "NOT_FOUND";
    return (
      <>
        <h1>Run</h1>
        <ErrorState title={isMissing ? "Run not found" : "Could not load the run"} message={header.error.message} onRetry={isMissing ? undefined : () => void header.refetch()} />
        <p>
          <Link href="/runs">Back to the runs</Link>
        </p>
      </>
    );
  }
  const run = header.data;
  // One numbering in the UI: steps and epochs from 1 (step n is the n-th update, as "after step n" of held-out).
  const steps = (series.data ?? []).map((s) => ({ ...s, step: s.step + 1, epoch: s.epoch + 1 }));
  return (
    <>
      <p className={styles.small} style={{ margin: 0 }}>
        <Link href="/runs">Runs</Link> /
      </p>
      <div className={styles.header}>
        <h1>{run.name}</h1>
        <StatusChip status={run.status} reason={run.statusReason} />
        <span className="chip">{run.mode}</span>
        {isLive ? <span className={styles.live}>● live, refreshing every few seconds</span> : null}
        <span style={{ flex: 1 }} />
        <RunActions run={run} />
        <RunManage run={run} />
      </div>
      <RunTimes run={run} />
      <ReviewGateBanner runId={runId} isLive={isLive} />
      {run.statusReason && !run.statusReason.startsWith("Waiting for review:") ? <div className="banner" role="status">{run.statusReason}</div> : null}
      {run.trainerWaitingSince ? (
        <div className="banner">
          <WaitingForTrainer since={run.trainerWaitingSince} />
        </div>
      ) : null}
      {run.config.rollouts === "trainer" && isLive ? <TrainerDrivenBanner runId={runId} /> : null}
      {run.error ? <ErrorState title="The run failed" message={run.error} /> : null}
      <RunSummary run={run} steps={steps} plan={plan.data} heldOut={heldOut.data} />
      {series.isError ? (
        <ErrorState title="Could not load the run's steps" message={series.error.message} onRetry={() => void series.refetch()} />
      ) : series.isPending ? (
        <Loading label="Loading the run's steps…" />
      ) : (
        <>
          {steps.length === 0 ? (
            <div className="banner" role="status" data-testid="no-steps">
              No step has finished yet{run.status === "queued" ? ": the run is queued" : ""}. The charts fill in as steps complete.
            </div>
          ) : null}
          <StepDistribution runId={runId} steps={steps} thresholds={run.thresholds} isLive={isLive} totalSteps={plan.data?.total ?? run.progress.totalSteps} />
          <TrainingCharts runId={runId} steps={steps} />
          {run.config.trainer === "external" ? <TrainerCharts runId={runId} /> : null}
          <BufferCharts runId={runId} />
          <SynthesisCharts runId={runId} />
          <SynthesisCost runId={runId} />
          <InfraCharts steps={steps} policyKind={run.config.policy.kind} />
        </>
      )}
      <RunEventLog runId={runId} />
      <RunNotes run={run} />
      <RunExports runId={runId} />
    </>
  );
}

function RunSummary({ run, steps, plan, heldOut }: { run: Header; steps: SeriesRows; plan: StepPlan | undefined; heldOut: HeldOutRows | undefined }) {
  const { progress, eta } = run;
  const held = prepareHeldOut(heldOut ?? []);
  // Planned against done from the step plan (the same rule as the stored total, with its changes explained).
  const done = plan?.stepsDone ?? progress.stepsDone;
  const total = plan?.total ?? progress.totalSteps;
  const signals = prepareTrainingSignals(steps);
  const epochShown = Math.min(progress.epochsDone + (run.status === "completed" ? 0 : 1), progress.epochs);
  return (
    <div className={styles.summary}>
      <section className="card" aria-label="Progress">
        <ProgressBar done={done} total={total} label="Run progress" />
        <dl className={styles.figures}>
          <div>
            <dt>Steps done of planned</dt>
            <dd data-testid="steps-done">
              {done} of {total ?? "?"}
            </dd>
          </div>
          <div>
            <dt>Epoch</dt>
            <dd>
              {epochShown} of {progress.epochs}
            </dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd data-testid="eta">{run.isLive ? (eta.remainingSeconds === null ? "estimating…" : `about ${formatDuration(eta.remainingSeconds)}`) : "—"}</dd>
          </div>
          <div>
            <dt>Mean step time</dt>
            <dd>{formatDuration(eta.meanStepSeconds)}</dd>
          </div>
          <div>
            <dt>{run.status === "completed" ? "Final held-out success" : "Held-out success"}</dt>
            <dd data-testid="held-out-latest">
              {held.latest ? (
                <>
                  {formatShare(held.latest.score, 1)} <span className={styles.small}>{held.latest.step === 0 ? "before training" : `after step ${held.latest.step}`}</span>
                </>
              ) : (
                "not evaluated yet"
              )}
            </dd>
          </div>
          <div>
            <dt>Informative fraction now</dt>
            <dd>{formatShare(lastValue(signals.rows, "informativeFraction"))}</dd>
          </div>
          <div>
            <dt>{run.isLive && eta.finishesAt ? "Finishes around" : "Started"}</dt>
            <dd style={{ fontSize: 13 }}>
              {run.isLive && eta.finishesAt ? new Date(eta.finishesAt).toLocaleTimeString() : run.startedAt ? new Date(run.startedAt).toLocaleString() : "not yet"}
            </dd>
          </div>
        </dl>
        {plan ? <StepPlanNote plan={plan} /> : null}
      </section>
      <section className="card" aria-label="Settings">
        <dl className={styles.settings}>
          {run.settings.map((s) => (
            <div key={s.key}>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
