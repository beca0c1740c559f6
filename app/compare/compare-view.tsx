"use client";
// Runs side by side (?runs=a,b): overlaid informative fraction, held-out score and region occupancy, and the
// settings that differ. Refreshes while any of the runs is live.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { ChartCard } from "@/components/charts/chart-card";
import chartStyles from "@/components/charts/charts.module.css";
import { formatShare } from "@/components/charts/format";
import { lastValue } from "@/components/charts/prepare-common";
import { prepareCompare } from "@/components/charts/prepare-compare";
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
  return <Comparison ids={ids} />;
}

function Comparison({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const compare = useQuery({
    ...trpc.runs.compare.queryOptions({ ids }),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "running" || r.status === "queued") ? 5_000 : false),
    retry: (count, error) => error.data?.code !== "NOT_FOUND" && count < 1,
  });
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
  const c = prepareCompare(compare.data);
  const names = c.runs.map((r) => r.name).join(" vs ");
  const nowOf = (rows: typeof c.informativeFraction.rows) => c.runs.map((r) => `${r.name} ${formatShare(lastValue(rows, r.key), 1)}`).join(", ");
  return (
    <>
      <table aria-label="Compared runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Mode</th>
            <th scope="col">Status</th>
            <th scope="col">Steps</th>
          </tr>
        </thead>
        <tbody>
          {c.runs.map((r, i) => (
            <tr key={r.id}>
              <td>
                <span className={styles.swatch} style={{ background: r.color }} aria-hidden />
                <Link href={`/runs/${r.id}`}>{r.name}</Link>
              </td>
              <td>{r.mode}</td>
              <td>
                <StatusChip status={r.status} />
              </td>
              <td>
                {compare.data.runs[i]!.stepsDone} / {compare.data.runs[i]!.totalSteps ?? "?"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className={chartStyles.grid2} style={{ marginTop: 12 }}>
        <ChartCard
          title="Informative fraction over steps"
          subtitle="share of tasks with non-zero reward variance, per run"
          summary={`${names}; newest: ${nowOf(c.informativeFraction.rows)}.`}
          isEmpty={c.informativeFraction.isEmpty}
          emptyText="None of these runs has finished a step."
          legend={c.informativeFraction.series}
          testId="compare-informative"
        >
          <StepLineChart data={c.informativeFraction} yLabel="share (0–1)" yDomain={[0, 1]} valueFormat={share} />
        </ChartCard>
        <ChartCard
          title="Held-out score over training"
          subtitle="overall success rate on the test split, per run"
          summary={`${names}; newest: ${nowOf(c.heldOut.rows)}.`}
          isEmpty={c.heldOut.isEmpty}
          emptyText="None of these runs has been evaluated yet."
          legend={c.heldOut.series}
          testId="compare-held-out"
        >
          <StepLineChart data={c.heldOut} yLabel="success rate (0–1)" yDomain={[0, 1]} valueFormat={share} />
        </ChartCard>
      </div>
      <ChartCard
        title="Region occupancy over steps"
        subtitle="share of each step's tasks per region (seeds and synthesized together); colour = region, dash = run"
        summary={`${names}; hard, boundary and mastered shares per step.`}
        isEmpty={c.regions.isEmpty}
        emptyText="None of these runs has finished a step."
        legend={c.regions.series}
        height={280}
        testId="compare-regions"
      >
        <StepLineChart data={c.regions} yLabel="share of tasks (0–1)" yDomain={[0, 1]} valueFormat={share} />
      </ChartCard>
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
