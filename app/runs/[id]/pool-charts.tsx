"use client";
// The replay buffer (injection vs the β cap, retirements by reason, synthesized pool vs P_max), the synthesis
// funnel and error taxonomy, where injected tasks landed, and infrastructure failures and tokens per step.
import { useQuery } from "@tanstack/react-query";
import { EpochBarChart, HorizontalBarChart } from "@/components/charts/bar-charts";
import { ChartCard } from "@/components/charts/chart-card";
import chartStyles from "@/components/charts/charts.module.css";
import { METRIC_COLORS } from "@/components/charts/colors";
import { formatShare } from "@/components/charts/format";
import { HistogramChart } from "@/components/charts/histogram-chart";
import { prepareBuffer } from "@/components/charts/prepare-buffer";
import { prepareHistogram } from "@/components/charts/prepare-distribution";
import { prepareLanding } from "@/components/charts/prepare-landing";
import { prepareInfraFailures, prepareTokens } from "@/components/charts/prepare-series";
import { prepareErrors, prepareFunnel } from "@/components/charts/prepare-synthesis";
import { StepLineChart } from "@/components/charts/step-line-chart";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState, Loading } from "@/components/ui/states";
import styles from "../runs.module.css";
import type { SeriesRows } from "./run-monitor";

const EMPTY_HISTOGRAM = prepareHistogram({ min: 0, max: 1, counts: [] });

/** Fetched again by the monitor's clock while the run is live (run-monitor.tsx). */
interface LiveProps {
  runId: string;
}

export function BufferCharts({ runId }: LiveProps) {
  const trpc = useTRPC();
  const buffer = useQuery(trpc.runs.buffer.queryOptions({ id: runId }));
  return (
    <>
      <div className={styles.sectionHead}>
        <h2>Replay buffer</h2>
        {buffer.data ? (
          <span className="muted">
            now: {buffer.data.now.activeSeeds} seeds and {buffer.data.now.activeSynthesized} synthesized active, {buffer.data.now.staged} staged, {buffer.data.now.retired} retired
          </span>
        ) : null}
      </div>
      {buffer.isPending ? (
        <Loading label="Loading the buffer…" />
      ) : buffer.isError ? (
        <ErrorState title="Could not load the buffer" message={buffer.error.message} onRetry={() => void buffer.refetch()} />
      ) : (
        <BufferBody data={buffer.data} />
      )}
    </>
  );
}

function BufferBody({ data }: { data: Parameters<typeof prepareBuffer>[0] }) {
  const { injection, retirement, pool } = prepareBuffer(data);
  const totalInjected = injection.rows.reduce((n, r) => n + (r.injected ?? 0), 0);
  const totalRetired = retirement.rows.reduce((n, r) => n + retirement.series.reduce((m, s) => m + (r[s.key] ?? 0), 0), 0);
  const noSynthesis = "This mode does not synthesize tasks.";
  return (
    <div className={chartStyles.grid3}>
      <ChartCard
        title="Injected per epoch vs the β cap"
        subtitle={`synthesized tasks entering the active pool at each epoch start; cap = max(1, ⌊β · active⌋), β = ${data.beta}`}
        summary={`${totalInjected} tasks injected over ${injection.rows.length} epoch boundaries.`}
        isEmpty={injection.isEmpty}
        emptyTitle={data.synthesizes ? "No epoch boundary yet" : "No injection"}
        emptyText={data.synthesizes ? "Tasks are injected when the first epoch closes." : noSynthesis}
        legend={injection.series}
        testId="chart-injection"
      >
        <EpochBarChart rows={injection.rows} bars={[injection.series[0]!]} lines={[injection.series[1]!]} yLabel="tasks" />
      </ChartCard>
      <ChartCard
        title="Retired per epoch, by reason"
        subtitle="retirements at each epoch's close; the epoch in progress has none yet"
        summary={`${totalRetired} tasks retired: ${retirement.series.map((s) => `${retirement.rows.reduce((n, r) => n + (r[s.key] ?? 0), 0)} ${s.label}`).join(", ")}.`}
        isEmpty={retirement.isEmpty}
        emptyTitle={data.retires ? "Nothing retired yet" : "No retirement"}
        emptyText={data.retires ? "Retirements happen when an epoch closes." : "This mode keeps every task."}
        legend={retirement.series}
        testId="chart-retirement"
      >
        <EpochBarChart rows={retirement.rows} bars={retirement.series} isStacked yLabel="tasks" />
      </ChartCard>
      <ChartCard
        title="Synthesized tasks in the pool vs P_max"
        subtitle="synthesized tasks active during each epoch; pruning keeps them at or under P_max"
        summary={`${pool.rows.at(-1)?.synthesizedActive ?? 0} synthesized tasks active in the newest epoch; P_max ${pool.pMax}.`}
        isEmpty={pool.isEmpty}
        emptyTitle="No synthesized pool"
        emptyText={noSynthesis}
        legend={[...pool.series, { key: "pMax", label: `P_max = ${pool.pMax}`, color: METRIC_COLORS.pMax, dash: "6 3" }]}
        testId="chart-pool"
      >
        <EpochBarChart rows={pool.rows} bars={pool.series} yLabel="tasks" yLines={[{ y: pool.pMax, label: `P_max ${pool.pMax}`, color: METRIC_COLORS.pMax }]} />
      </ChartCard>
    </div>
  );
}

export function SynthesisCharts({ runId }: LiveProps) {
  const trpc = useTRPC();
  const synthesis = useQuery(trpc.runs.synthesis.queryOptions({ id: runId }));
  const landing = useQuery(trpc.runs.landing.queryOptions({ id: runId }));
  const funnel = prepareFunnel(synthesis.data ?? { funnel: [], errors: [] });
  const errors = prepareErrors(synthesis.data ?? { funnel: [], errors: [] });
  const land = landing.data ? prepareLanding(landing.data) : null;
  const s = synthesis.data;
  return (
    <>
      <div className={styles.sectionHead}>
        <h2>Synthesis</h2>
        {s ? (
          <span className="muted">
            {s.running} running, {s.dropped} dropped, {s.pendingReview} awaiting review, {s.rejected} rejected
          </span>
        ) : null}
      </div>
      {synthesis.isError ? <ErrorState title="Could not load synthesis" message={synthesis.error.message} onRetry={() => void synthesis.refetch()} /> : null}
      {landing.isError ? <ErrorState title="Could not load where injected tasks landed" message={landing.error.message} onRetry={() => void landing.refetch()} /> : null}
      <div className={chartStyles.grid3}>
        <ChartCard
          title="Synthesis funnel"
          subtitle="attempts reaching each stage; approved = approved in review, or accepted under auto review"
          summary={funnel.rows.map((r) => `${r.label} ${r.count}`).join(", ") + "."}
          isEmpty={funnel.isEmpty}
          emptyTitle={synthesis.isPending ? "Loading…" : "No synthesis attempt yet"}
          emptyText="Seeds from the boundary are synthesized after each step (not in static mode)."
          caption={funnel.rows.length ? `${formatShare(funnel.rows.at(-2)?.share ?? null)} of attempts accepted.` : undefined}
          testId="chart-funnel"
        >
          <HorizontalBarChart rows={funnel.rows} xLabel="attempts" labelWidth={96} />
        </ChartCard>
        <ChartCard
          title="Synthesis errors by type"
          subtitle="dropped attempts in the error taxonomy"
          summary={`${errors.total} dropped: ${errors.rows.map((r) => `${r.count} ${r.label}`).join(", ")}.`}
          isEmpty={errors.isEmpty}
          emptyTitle={synthesis.isPending ? "Loading…" : "No dropped attempt"}
          height={Math.max(160, 26 * errors.rows.length + 40)}
          testId="chart-errors"
        >
          <HorizontalBarChart rows={errors.rows} xLabel="attempts" labelWidth={170} />
        </ChartCard>
        <ChartCard
          title="Where injected tasks landed"
          subtitle="first r̄ of each injected task, against the boundary band [α−, α+] (shaded) and the burn-in threshold"
          summary={land?.summary ?? "loading"}
          isEmpty={!land || land.isEmpty}
          emptyTitle={landing.isPending ? "Loading…" : "No injected task observed yet"}
          emptyText={land?.summary}
          caption={land?.summary}
          testId="chart-landing"
        >
          <HistogramChart data={land?.histogram ?? EMPTY_HISTOGRAM} xLabel="first r̄ after injection (0–1)" band={land?.band} lines={land?.lines} />
        </ChartCard>
      </div>
    </>
  );
}

export function InfraCharts({ steps, policyKind }: { steps: SeriesRows; policyKind: string }) {
  const infra = prepareInfraFailures(steps);
  const tokens = prepareTokens(steps, { policyKind });
  const rollouts = steps.reduce((n, s) => n + s.numRollouts, 0);
  return (
    <>
      <div className={styles.sectionHead}>
        <h2>Infrastructure</h2>
      </div>
      <div className={chartStyles.grid2}>
        <ChartCard
          title="Infrastructure failures per step"
          subtitle="rollouts that failed for infrastructure reasons (excluded from statistics)"
          summary={`${infra.total} of ${rollouts} rollouts failed over ${infra.rows.length} steps.`}
          isEmpty={infra.isEmpty}
          emptyText="Appears when the first step finishes."
          legend={infra.series}
          testId="chart-infra"
        >
          <StepLineChart data={infra} yLabel="failed rollouts" />
        </ChartCard>
        <ChartCard
          title="Tokens per step"
          subtitle={tokens.estimate ? "prompt and completion tokens of the policy's rollouts" : "prompt and completion tokens reported by the policy"}
          estimate={tokens.estimate}
          summary={`${tokens.rows.length} steps; ${Math.round(steps.reduce((n, s) => n + s.tokensIn + s.tokensOut, 0) / 1000)}k tokens in all.`}
          isEmpty={tokens.isEmpty}
          emptyTitle="No tokens reported"
          emptyText="OpenAI-compatible policies report their tokens; the simulated learner estimates them."
          legend={tokens.series}
          testId="chart-tokens"
        >
          <StepLineChart data={tokens} yLabel="tokens" />
        </ChartCard>
      </div>
    </>
  );
}
