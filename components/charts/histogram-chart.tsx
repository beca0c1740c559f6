"use client";
// A histogram from prepared bins on a numeric axis, with vertical threshold lines and an optional shaded band.
import { Bar, BarChart, CartesianGrid, Cell, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_STROKE, axisLabel, formatTick, lineLabel, TOOLTIP_STYLE } from "./chart-card";
import { FRAME_COLORS } from "./colors";
import type { HistogramData, ThresholdLine } from "./prepare-distribution";

export interface HistogramChartProps {
  data: HistogramData;
  xLabel: string;
  yLabel?: string;
  lines?: ThresholdLine[];
  band?: { x1: number; x2: number; color: string; label?: string };
  /** one colour for every bar instead of the per-bin colours */
  color?: string;
  xTicks?: number[];
}

export function HistogramChart({ data, xLabel, yLabel = "tasks", lines = [], band, color, xTicks }: HistogramChartProps) {
  const [min, max] = data.domain;
  const ticks = xTicks ?? Array.from({ length: 5 }, (_, i) => Number((min + ((max - min) * i) / 4).toFixed(4)));
  return (
    <BarChart data={data.bins} margin={{ top: 8, right: 14, bottom: 14, left: 4 }} barCategoryGap={1}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} vertical={false} />
      <XAxis dataKey="mid" type="number" domain={[min, max]} ticks={ticks} tick={AXIS_TICK} tickFormatter={formatTick} label={axisLabel(xLabel, "x")} />
      <YAxis allowDecimals={false} tick={AXIS_TICK} tickFormatter={formatTick} width={48} label={axisLabel(yLabel, "y")} />
      <Tooltip
        cursor={{ fill: FRAME_COLORS.cursor }}
        labelFormatter={(_, payload) => (payload?.[0]?.payload as { label?: string } | undefined)?.label ?? ""}
        formatter={(v) => [String(v), yLabel]}
        {...TOOLTIP_STYLE}
      />
      {band ? <ReferenceArea x1={band.x1} x2={band.x2} fill={band.color} fillOpacity={0.1} ifOverflow="extendDomain" label={band.label ? { value: band.label, position: "insideTop", fontSize: 11, fill: band.color } : undefined} /> : null}
      <Bar dataKey="count" name={yLabel} isAnimationActive={false}>
        {data.bins.map((b) => (
          <Cell key={b.mid} fill={color ?? b.color} />
        ))}
      </Bar>
      {lines.map((l, i) => (
        <ReferenceLine
          key={l.label}
          x={l.x}
          stroke={l.color}
          strokeWidth={1.5}
          strokeDasharray={l.dash || undefined}
          label={lineLabel(l.label, l.color, l.x, i, [min, max])}
        />
      ))}
    </BarChart>
  );
}
