"use client";
// Tasks per region over steps, stacked hard → boundary → mastered in the regions' colours.
import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_STROKE, axisLabel, formatTick, TOOLTIP_STYLE } from "./chart-card";
import { FRAME_COLORS } from "./colors";
import type { LineChartData } from "./prepare-common";

export function RegionAreaChart({ data, yLabel = "tasks", xMarker = null }: { data: LineChartData; yLabel?: string; xMarker?: number | null }) {
  return (
    <AreaChart data={data.rows} margin={{ top: 6, right: 12, bottom: 14, left: 4 }}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
      <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} tick={AXIS_TICK} label={axisLabel("step", "x")} />
      <YAxis tick={AXIS_TICK} tickFormatter={formatTick} width={52} allowDecimals={false} label={axisLabel(yLabel, "y")} />
      <Tooltip labelFormatter={(x) => `step ${x}`} formatter={(v) => (typeof v === "number" ? String(v) : "—")} {...TOOLTIP_STYLE} />
      {data.series.map((s) => (
        <Area key={s.key} dataKey={s.key} name={s.label} stackId="regions" stroke={s.color} fill={s.color} fillOpacity={0.55} type="linear" connectNulls={false} isAnimationActive={false} />
      ))}
      {xMarker !== null ? <ReferenceLine x={xMarker} stroke={FRAME_COLORS.marker} strokeDasharray="2 2" /> : null}
    </AreaChart>
  );
}
