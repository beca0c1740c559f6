"use client";
// Every task of a step as a point (r̄, variance), coloured by region (seeds circles, synthesized triangles), under
// the bound r̄(1 − r̄), with the α lines.
import { CartesianGrid, ComposedChart, Line, ReferenceLine, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import { METRIC_COLORS } from "./colors";
import { AXIS_TICK, GRID_STROKE, axisLabel, formatTick, lineLabel, TOOLTIP_STYLE } from "./chart-card";
import type { ScatterData, ThresholdLine } from "./prepare-distribution";

export function TaskScatterChart({ data, lines = [], maxVariance = 0.25 }: { data: ScatterData; lines?: ThresholdLine[]; maxVariance?: number }) {
  return (
    <ComposedChart margin={{ top: 8, right: 14, bottom: 14, left: 4 }}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
      <XAxis dataKey="x" type="number" domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} tick={AXIS_TICK} label={axisLabel("r̄ (mean reward of the task's K rollouts)", "x")} />
      <YAxis dataKey="y" type="number" domain={[0, maxVariance]} ticks={[0, 0.05, 0.1, 0.15, 0.2, 0.25]} tick={AXIS_TICK} tickFormatter={formatTick} width={52} label={axisLabel("reward variance", "y")} />
      <Tooltip
        cursor={{ strokeDasharray: "3 3" }}
        formatter={(v, name) => [typeof v === "number" ? v.toFixed(3) : String(v), name === "y" ? "variance" : name === "x" ? "r̄" : String(name)]}
        {...TOOLTIP_STYLE}
      />
      <Line data={data.bound} dataKey="y" name="bound r̄(1 − r̄)" stroke={METRIC_COLORS.bound} strokeDasharray="5 4" dot={false} isAnimationActive={false} legendType="none" tooltipType="none" />
      {lines.map((l, i) => (
        <ReferenceLine key={l.label} x={l.x} stroke={l.color} strokeDasharray={l.dash || undefined} label={lineLabel(l.label, l.color, l.x, i)} />
      ))}
      {data.series.map((s) => (
        <Scatter key={s.key} name={s.label} data={s.points} fill={s.color} fillOpacity={0.7} shape={s.shape} isAnimationActive={false} />
      ))}
    </ComposedChart>
  );
}
