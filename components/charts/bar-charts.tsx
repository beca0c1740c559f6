"use client";
// Bar charts: labelled horizontal bars (funnel, error taxonomy) and per-epoch bars with optional lines (buffer).
import { Bar, BarChart, CartesianGrid, Cell, ComposedChart, LabelList, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_STROKE, axisLabel, formatTick, TOOLTIP_STYLE } from "./chart-card";
import { FRAME_COLORS } from "./colors";
import type { SeriesSpec } from "./prepare-common";

export function HorizontalBarChart({ rows, xLabel, labelWidth = 150 }: { rows: readonly { label: string; count: number; color: string }[]; xLabel: string; labelWidth?: number }) {
  return (
    <BarChart data={[...rows]} layout="vertical" margin={{ top: 4, right: 36, bottom: 14, left: 4 }} barCategoryGap={3}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} horizontal={false} />
      <XAxis type="number" allowDecimals={false} tick={AXIS_TICK} tickFormatter={formatTick} label={axisLabel(xLabel, "x")} />
      <YAxis type="category" dataKey="label" width={labelWidth} tick={AXIS_TICK} interval={0} />
      <Tooltip formatter={(v) => [String(v), xLabel]} {...TOOLTIP_STYLE} cursor={{ fill: FRAME_COLORS.cursor }} />
      <Bar dataKey="count" isAnimationActive={false}>
        {rows.map((r) => (
          <Cell key={r.label} fill={r.color} />
        ))}
        <LabelList dataKey="count" position="right" style={{ fontSize: 11, fill: FRAME_COLORS.label }} />
      </Bar>
    </BarChart>
  );
}

export interface EpochBarChartProps {
  rows: readonly ({ epoch: number } & Record<string, number | null>)[];
  bars: SeriesSpec[];
  lines?: SeriesSpec[];
  isStacked?: boolean;
  yLabel: string;
  yLines?: { y: number; label: string; color: string }[];
}

export function EpochBarChart({ rows, bars, lines = [], isStacked = false, yLabel, yLines = [] }: EpochBarChartProps) {
  return (
    <ComposedChart data={[...rows]} margin={{ top: 10, right: 12, bottom: 14, left: 4 }}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} vertical={false} />
      <XAxis dataKey="epoch" type="category" tick={AXIS_TICK} label={axisLabel("epoch", "x")} />
      <YAxis allowDecimals={false} tick={AXIS_TICK} tickFormatter={formatTick} width={48} label={axisLabel(yLabel, "y")} />
      <Tooltip labelFormatter={(e) => `epoch ${e}`} formatter={(v) => (typeof v === "number" ? String(v) : "—")} {...TOOLTIP_STYLE} />
      {yLines.map((l) => (
        <ReferenceLine key={l.label} y={l.y} stroke={l.color} strokeDasharray="6 3" ifOverflow="extendDomain" label={{ value: l.label, position: "insideTopLeft", fontSize: 11, fill: l.color }} />
      ))}
      {bars.map((s) => (
        <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId={isStacked ? "stack" : undefined} isAnimationActive={false} maxBarSize={36} />
      ))}
      {lines.map((s) => (
        <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeDasharray={s.dash} strokeWidth={2} dot={{ r: 3 }} connectNulls={false} isAnimationActive={false} />
      ))}
    </ComposedChart>
  );
}
