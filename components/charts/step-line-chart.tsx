"use client";
// Lines over steps (or epochs): one per series, solid or dashed, gaps where a value is missing.
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_STROKE, axisLabel, formatTick, TOOLTIP_STYLE } from "./chart-card";
import { FRAME_COLORS } from "./colors";
import type { LineChartData } from "./prepare-common";

export interface StepLineChartProps {
  data: LineChartData;
  xKey?: string;
  xLabel?: string;
  yLabel: string;
  yDomain?: [number | "auto", number | "auto"];
  /** horizontal reference lines (e.g. P_max) */
  yLines?: { y: number; label: string; color: string }[];
  /** a marker at one x (the slider's step) */
  xMarker?: number | null;
  /** series drawn thicker */
  emphasise?: string[];
  valueFormat?: (v: number) => string;
  /** fixed x range, so panels of small multiples line up */
  xDomain?: [number, number] | null;
}

export function StepLineChart({ data, xKey = "step", xLabel = "step", yLabel, yDomain = [0, "auto"], yLines = [], xMarker = null, emphasise = [], valueFormat, xDomain = null }: StepLineChartProps) {
  const showDots = data.rows.length <= 24;
  return (
    <LineChart data={data.rows} margin={{ top: 6, right: 12, bottom: 14, left: 4 }}>
      <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
      <XAxis dataKey={xKey} type="number" domain={xDomain ?? ["dataMin", "dataMax"]} allowDecimals={false} tick={AXIS_TICK} label={axisLabel(xLabel, "x")} />
      <YAxis domain={yDomain} tick={AXIS_TICK} tickFormatter={formatTick} width={52} label={axisLabel(yLabel, "y")} />
      <Tooltip
        formatter={(v) => (typeof v === "number" ? (valueFormat ? valueFormat(v) : formatTick(v)) : "—")}
        labelFormatter={(x) => `${xLabel} ${x}`}
        {...TOOLTIP_STYLE}
      />
      {yLines.map((l) => (
        <ReferenceLine key={l.label} y={l.y} stroke={l.color} strokeDasharray="6 3" label={{ value: l.label, position: "insideTopRight", fontSize: 11, fill: l.color }} />
      ))}
      {xMarker !== null ? <ReferenceLine x={xMarker} stroke={FRAME_COLORS.marker} strokeDasharray="2 2" /> : null}
      {data.series.map((s) => (
        <Line
          key={s.key}
          dataKey={s.key}
          name={s.label}
          stroke={s.color}
          strokeDasharray={s.dash}
          strokeWidth={emphasise.includes(s.key) ? 2.5 : 1.6}
          dot={showDots ? { r: 2 } : false}
          connectNulls={data.connectNulls ?? false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}
