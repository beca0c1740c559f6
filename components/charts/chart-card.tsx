"use client";
// The frame of every chart: a titled region, the chart as an image named by its title and a data summary, or the
// empty state. Components inside only draw what a prepare function decided.
import type { ReactElement, ReactNode } from "react";
import { ResponsiveContainer } from "recharts";
import { EmptyState } from "@/components/ui/states";
import { chartCsv, csvFileName } from "./chart-csv";
import { FRAME_COLORS } from "./colors";
import type { LineChartData, SeriesSpec } from "./prepare-common";
import styles from "./charts.module.css";

export interface ChartCardProps {
  title: string;
  subtitle?: ReactNode;
  /** read out after the title: what the chart shows now, in words */
  summary: string;
  isEmpty: boolean;
  emptyTitle?: string;
  emptyText?: ReactNode;
  height?: number;
  legend?: SeriesSpec[];
  caption?: ReactNode;
  children: ReactElement;
  testId?: string;
  /** the numbers the chart draws, offered as a CSV download */
  csv?: { data: Pick<LineChartData, "rows" | "series">; xLabel?: string };
  /** the prepare function's note when the numbers are estimates (LineChartData.estimate) */
  estimate?: string | null;
}

export function ChartCard({ title, subtitle, summary, isEmpty, emptyTitle = "No data yet", emptyText, height = 220, legend, caption, children, testId, csv, estimate }: ChartCardProps) {
  return (
    <section className={styles.card} aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : null}
      {estimate ? (
        <p className={styles.estimate} data-testid="chart-estimate">
          {estimate}
        </p>
      ) : null}
      {isEmpty ? (
        <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
      ) : (
        <figure className={styles.figure} role="img" aria-label={`${title}. ${estimate ? "Estimated numbers. " : ""}${summary}`}>
          {legend ? <SeriesLegend series={legend} /> : null}
          <div style={{ width: "100%", height }}>
            <ResponsiveContainer>{children}</ResponsiveContainer>
          </div>
          {caption ? <figcaption className={styles.caption}>{caption}</figcaption> : null}
          {csv ? <CsvLink title={title} data={csv.data} xLabel={csv.xLabel} /> : null}
        </figure>
      )}
    </section>
  );
}

/** A legend drawn in HTML (recharts' own legend cannot show dashes for lines coloured by region). */
export function SeriesLegend({ series }: { series: readonly SeriesSpec[] }) {
  return (
    <ul className={styles.legend} aria-hidden>
      {series.map((s) => (
        <li key={s.key}>
          <span className={styles.swatch} style={{ borderTopColor: s.color, borderTopStyle: s.dash ? "dashed" : "solid" }} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

// The frame follows the colour scheme (CSS variables of app/globals.css), so axes and tooltips read in dark mode.
export const AXIS_TICK = { fontSize: 11, fill: FRAME_COLORS.axis } as const;
export const GRID_STROKE = FRAME_COLORS.grid;
/** Tooltip props for every chart: the card's colours instead of recharts' white box. */
export const TOOLTIP_STYLE = {
  contentStyle: { fontSize: 12, background: "var(--card)", border: "1px solid var(--border)", color: "var(--fg)" },
  labelStyle: { color: "var(--fg)" },
} as const;

export function axisLabel(value: string, axis: "x" | "y") {
  return axis === "x"
    ? { value, position: "insideBottom" as const, offset: -4, style: { fontSize: 11, fill: FRAME_COLORS.axis } }
    : { value, angle: -90, position: "insideLeft" as const, offset: 12, style: { fontSize: 11, fill: FRAME_COLORS.axis, textAnchor: "middle" as const } };
}

export function formatTick(v: unknown): string {
  if (typeof v !== "number") return String(v);
  if (Math.abs(v) >= 1e6) return `${Math.round(v / 1e5) / 10}M`;
  if (Math.abs(v) >= 1e3) return `${Math.round(v / 100) / 10}k`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
}

/** A vertical line's label: beside the line on the side with more room, lines further right a row lower. */
export function lineLabel(value: string, color: string, x: number, index: number, domain: [number, number] = [0, 1]) {
  const isRightHalf = x > (domain[0] + domain[1]) / 2;
  return { value, position: isRightHalf ? ("insideTopRight" as const) : ("insideTopLeft" as const), fontSize: 10, fill: color, dy: index * 12 };
}

/** "Download CSV": the chart's rows as a data: link, built when clicked, nothing sent to the server. */
export function CsvLink({ title, data, xLabel }: { title: string; data: Pick<LineChartData, "rows" | "series">; xLabel?: string }) {
  return (
    <a
      className={styles.csvLink}
      href="#"
      download={csvFileName(title)}
      onClick={(e) => {
        e.currentTarget.href = `data:text/csv;charset=utf-8,${encodeURIComponent(chartCsv(data, xLabel))}`;
      }}
    >
      CSV
    </a>
  );
}
