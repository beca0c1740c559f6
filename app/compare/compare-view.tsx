"use client";
// Runs side by side (?runs=a,b[&x=step|rollouts|wall]): a summary table, overlaid informative fraction and held-out
// score on a common x axis, region occupancy as one panel per run, and the settings that differ. Refreshes while any of the runs is live.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { ChartCard } from "@/components/charts/chart-card";
import chartStyles from "@/components/charts/charts.module.css";
import { formatDuration, formatNumber, formatShare } from "@/components/charts/format";
import { lastValue } from "@/components/charts/prepare-common";
import { COMPARE_AXES, prepareCompare, type CompareAxis } from "@/components/charts/prepare-compare";
import { costShareCell } from "@/components/charts/prepare-cost";
import { StepLineChart } from "@/components/charts/step-line-chart";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { StatusChip } from "../runs/run-bits";
import styles from "../runs/runs.module.css";

const MAX_RUNS = 8;
const share = (v: number) => formatShare(v, 1);

export function CompareView() {
  const params = useSearchParams();
  const ids = [...new Set((params.get("runs") ?? "").split(",").map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) {
    return (
      <EmptyState title="No runs picked">
        Tick two or more runs on the <Link href="/runs">runs page</Link> and press Compare.
      </EmptyState>
    );
  }
  if (ids.length > MAX_RUNS) return <ErrorState title="Too many runs" message={`Compare at most ${MAX_RUNS} runs at once; remove some from the address.`} />;
  const x = params.get("x");
  return <Comparison ids={ids} initialAxis={COMPARE_AXES.some((a) => a.value === x) ? (x as CompareAxis) : "step"} />;
}

function Comparison({ ids, initialAxis }: { ids: string[]; initialAxis: CompareAxis }) {
  const trpc = useTRPC();
  const [axis, setAxis] = useState<CompareAxis>(initialAxis);
  const compare = useQuery({
    ...trpc.runs.compare.queryOptions({ ids }),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "running" || r.status === "queued") ? 5_000 : false),
    retry: (count, error) => error.data?.code !== "NOT_FOUND" && count < 1,
  });
  const isLive = compare.data?.runs.some((r) => r.status === "running" || r.status === "queued") ?? false;
  const costs = useQuery({ ...trpc.runs.costs.queryOptions({ ids }), enabled: compare.isSuccess, refetchInterval: isLive ? 5_000 : false });
  if (compare.isPending) return <Loading label="Loading the runs…" />;
  if (compare.isError) {
    return (
      <>
        <ErrorState title={compare.error.data?.code === "NOT_FOUND" ? "Run not found" : "Could not compare the runs"} message={compare.error.message} />
        <p>
          <Link href="/runs">Back to the runs</Link>
        </p>
      </>
    );
  }
  const c = prepareCompare(compare.data, axis);
  const names = c.runs.map((r) => r.name).join(" vs ");
  const nowOf = (rows: typeof c.informativeFraction.rows) => c.runs.map((r) => `${r.name} ${formatShare(lastValue(rows, r.key), 1)}`).join(", ");
  const steps = (n: number | null) => (n === null ? "" : ` (after step ${n})`);
  return (
    <>
      <table aria-label="Compared runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Mode</th>
            <th scope="col">Status</th>
            <th scope="col">Steps</th>
            <th scope="col">Final held-out</th>
            <th scope="col">Best held-out</th>
            <th scope="col">Δ final vs {c.runs[0]!.name}</th>
            <th scope="col" title="Σ of the informative fraction over finished steps (one unit per step); the mean in brackets">
              Area under informative fraction
            </th>
            <th scope="col">Rollouts</th>
            <th scope="col">Wall time</th>
            <th scope="col" title="what synthesis cost beside the training rollouts (hover a cell for what it compares)">
              Synthesis cost share
            </th>
          </tr>
        </thead>
        <tbody>
          {c.summary.map((s, i) => (
            <tr key={s.run.id} data-testid={`compare-summary-${s.run.id}`}>
              <td>
                <span className={styles.swatch} style={{ background: s.run.color }} aria-hidden />
                <Link href={`/runs/${s.run.id}`}>{s.run.name}</Link>
              </td>
              <td>{s.run.mode}</td>
              <td>
                <StatusChip status={s.run.status} />
              </td>
              <td>
                {compare.data.runs[i]!.stepsDone} of {compare.data.runs[i]!.totalSteps ?? "?"}
              </td>
              <td>
                {share(s.finalHeldOut ?? Number.NaN)}
                <span className="muted">{steps(s.finalHeldOutStep)}</span>
              </td>
              <td>
                {share(s.bestHeldOut ?? Number.NaN)}
                <span className="muted">{steps(s.bestHeldOutStep)}</span>
              </td>
              <td>{i === 0 ? "—" : s.diffToFirst === null ? "no evaluation" : `${s.diffToFirst >= 0 ? "+" : "−"}${(Math.abs(s.diffToFirst) * 100).toFixed(1)} pts`}</td>
              <td>
                {formatNumber(s.informativeAuc, 2)} <span className="muted">({share(s.informativeMean ?? Number.NaN)} mean)</span>
              </td>
              <td>{formatNumber(s.rollouts)}</td>
              <td>{formatDuration(s.wallSeconds)}</td>
              <CostShareCell cost={costs.data?.find((c) => c.runId === s.run.id)} isLoading={costs.isPending} isError={costs.isError} />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" style={{ fontSize: 12 }}>
        Steps are numbered from 1 (step n is the n-th policy update); a held-out score &quot;after step n&quot; was measured with the policy of that
        update, and &quot;after step 0&quot; before training.
      </p>
      <label style={{ display: "inline-flex", gap: 6, alignItems: "center", margin: "8px 0" }}>
        x axis
        <select aria-label="x axis" value={axis} onChange={(e) => setAxis(e.target.value as CompareAxis)}>
          {COMPARE_AXES.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      {c.missingX.length ? <p className="muted">Left off this axis where step times are unknown: {c.missingX.join(", ")}.</p> : null}
      <div className={chartStyles.grid2} style={{ marginTop: 12 }}>
        <ChartCard
          title="Informative fraction"
          subtitle={`share of tasks with non-zero reward variance, per run, over ${c.xLabel}`}
          summary={`${names}; newest: ${nowOf(c.informativeFraction.rows)}.`}
          isEmpty={c.informativeFraction.isEmpty}
          emptyText="None of these runs has finished a step."
          legend={c.informativeFraction.series}
          testId="compare-informative"
          csv={{ data: c.informativeFraction, xLabel: c.xLabel }}
        >
          <StepLineChart data={c.informativeFraction} xLabel={c.xLabel} xDomain={c.xDomain} yLabel="share (0–1)" yDomain={[0, 1]} valueFormat={share} />
        </ChartCard>
        <ChartCard
          title="Held-out score"
          subtitle={`overall success rate on the test split, per run, over ${c.xLabel}; each run's line joins its own evaluations`}
          summary={`${names}; newest: ${nowOf(c.heldOut.rows)}.`}
          isEmpty={c.heldOut.isEmpty}
          emptyText="None of these runs has been evaluated yet."
          legend={c.heldOut.series}
          testId="compare-held-out"
          csv={{ data: c.heldOut, xLabel: c.xLabel }}
        >
          <StepLineChart data={c.heldOut} xLabel={c.xLabel} xDomain={c.xDomain} yLabel="success rate (0–1)" yDomain={[0, 1]} valueFormat={share} />
        </ChartCard>
      </div>
      <section aria-label="Region occupancy per run" data-testid="compare-regions">
        <h2>Region occupancy</h2>
        <p className="muted">share of each step&apos;s tasks per region (seeds and synthesized together), one panel per run on the same axes</p>
        <div className={chartStyles.panels}>
          {c.regionPanels.map((p) => (
            <ChartCard
              key={p.run.id}
              title={`Regions · ${p.run.name}`}
              summary={`${p.run.name}: hard, boundary and mastered shares per step.`}
              isEmpty={p.data.isEmpty}
              emptyText="No finished step yet."
              legend={p.data.series}
              height={170}
              testId={`compare-regions-${p.run.id}`}
              csv={{ data: p.data, xLabel: c.xLabel }}
            >
              <StepLineChart data={p.data} xLabel={c.xLabel} xDomain={c.xDomain} yLabel="share" yDomain={[0, 1]} valueFormat={share} />
            </ChartCard>
          ))}
        </div>
      </section>
      <h2>Settings that differ</h2>
      {c.settings.length === 0 ? (
        <EmptyState title="Same settings">These runs were launched with identical settings.</EmptyState>
      ) : (
        <table aria-label="Settings that differ">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              {c.runs.map((r) => (
                <th scope="col" key={r.id}>
                  <span className={styles.swatch} style={{ background: r.color }} aria-hidden />
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.settings.map((s) => (
              <tr key={s.key}>
                <th scope="row" style={{ fontWeight: 400 }}>
                  {s.label} <span className="muted">({s.key})</span>
                </th>
                {s.values.map((v, i) => (
                  <td key={c.runs[i]!.id}>
                    <code>{v}</code>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function CostShareCell({ cost, isLoading, isError }: { cost: Parameters<typeof costShareCell>[0]; isLoading: boolean; isError: boolean }) {
  if (isLoading) return <td className="muted">…</td>;
  if (isError) return <td className="muted">could not load</td>;
  const cell = costShareCell(cost);
  return (
    <td data-testid="compare-cost-share" title={cell.title}>
      {cell.text}
    </td>
  );
}
