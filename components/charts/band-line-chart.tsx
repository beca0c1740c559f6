"use client";
// Mean lines over steps with a shaded ±sd band per series (a study's modes over seeds).
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_STROKE, axisLabel, formatTick, TOOLTIP_STYLE } from "./chart-card";
import type { BandChartData } from "./prepare-study";

export function BandLineChart({ data, yLabel, yDomain = [0, 1] }: { data: BandChartData; yLabel: string; yDomain?: [number, number] }) {
  return (
    <ComposedChart data={data.rows} margin={{ top: 6, right: 12, bottom: 14, left: 4 }}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
      <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} tick={AXIS_TICK} label={axisLabel("step", "x")} />
      <YAxis domain={yDomain} tick={AXIS_TICK} tickFormatter={formatTick} width={52} label={axisLabel(yLabel, "y")} />
      <Tooltip
        formatter={(v) => (Array.isArray(v) ? v.map((x) => formatTick(Number(x))).join(" – ") : typeof v === "number" ? formatTick(v) : "—")}
        labelFormatter={(x) => `step ${x}`}
        {...TOOLTIP_STYLE}
      />
      {data.series.map((s) => (
        <Area key={s.bandKey} dataKey={s.bandKey} name={`${s.label} ± sd`} stroke="none" fill={s.color} fillOpacity={0.15} isAnimationActive={false} connectNulls={false} />
      ))}
      {data.series.map((s) => (
        <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={1.8} dot={false} connectNulls={false} isAnimationActive={false} />
      ))}
    </ComposedChart>
  );
}
