"use client";
// r̄ of this task over steps, one line per run (render only; the shaping is prepareTaskHistory's).
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_STROKE, TOOLTIP_STYLE } from "@/components/charts/chart-card";
import { prepareTaskHistory } from "@/components/charts/prepare-task-history";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";

const TITLE = "r̄ of this task over steps, per run";

export function TaskHistoryChart({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.lineage.rewardHistory.queryOptions({ taskId }));
  return (
    <section className="card" aria-label={TITLE}>
      <h2 style={{ marginTop: 0 }}>{TITLE}</h2>
      {history.isPending ? (
        <Loading label="Loading the reward history…" />
      ) : history.isError ? (
        <ErrorState title="Could not load the reward history" message={history.error.message} onRetry={() => void history.refetch()} />
      ) : (
        <Chart runs={history.data} />
      )}
    </section>
  );
}

function Chart({ runs }: { runs: Parameters<typeof prepareTaskHistory>[0] }) {
  const chart = prepareTaskHistory(runs);
  if (chart.isEmpty) return <EmptyState title="No statistics yet">This task has not been rolled out in any run.</EmptyState>;
  const summary = chart.series.map((s) => `${s.label}: ${s.pointCount} step${s.pointCount === 1 ? "" : "s"}`).join("; ");
  return (
    <figure style={{ margin: 0 }} role="img" aria-label={`${TITLE}. ${summary}`}>
      <div style={{ width: "100%", height: 260 }}>
        <ResponsiveContainer>
          <LineChart data={chart.rows} margin={{ top: 8, right: 16, bottom: 18, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
            <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} tick={AXIS_TICK} label={{ value: "step", position: "insideBottom", offset: -10, style: { fill: AXIS_TICK.fill } }} />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} width={72} tick={AXIS_TICK} label={{ value: "r̄ (0–1)", angle: -90, position: "insideLeft", offset: 18, style: { textAnchor: "middle", fill: AXIS_TICK.fill } }} />
            <Tooltip formatter={(v) => (typeof v === "number" ? v.toFixed(3) : String(v))} labelFormatter={(step) => `step ${step}`} {...TOOLTIP_STYLE} />
            <Legend verticalAlign="top" />
            {chart.series.map((s) => (
              <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={s.pointCount < 30} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted" style={{ fontSize: 12 }}>
        Each point is one step at which the run rolled this task out (a task is in only some steps' batches). {summary}.
      </figcaption>
    </figure>
  );
}
