// The synthesis funnel (attempted → approved, each stage a subset of the one before) and the error taxonomy.
// Input: runs.synthesis.
import { METRIC_COLORS } from "./colors";
import { SYNTHESIS_ERROR_TYPES } from "@/server/synthesis/types";

export interface SynthesisInput {
  funnel: readonly { key: string; label: string; count: number }[];
  errors: readonly { errorType: string; count: number }[];
}

export interface FunnelRow {
  key: string;
  label: string;
  count: number;
  /** share of the attempts that reached this stage, 0–1; null when nothing was attempted */
  share: number | null;
  color: string;
}

export interface ErrorRow {
  errorType: string;
  label: string;
  count: number;
  color: string;
}

/** The taxonomy's order, for ties; unknown types go last. */
const TAXONOMY: readonly string[] = SYNTHESIS_ERROR_TYPES;

export function prepareFunnel(input: SynthesisInput): { rows: FunnelRow[]; isEmpty: boolean } {
  const attempted = input.funnel[0]?.count ?? 0;
  const rows = input.funnel.map((s) => ({
    key: s.key,
    label: s.label,
    count: Number.isFinite(s.count) ? s.count : 0,
    share: attempted > 0 ? s.count / attempted : null,
    color: METRIC_COLORS.funnel,
  }));
  return { rows, isEmpty: attempted === 0 };
}

/** Error types that occurred, most frequent first (ties in taxonomy order). */
export function prepareErrors(input: SynthesisInput): { rows: ErrorRow[]; total: number; isEmpty: boolean } {
  const rank = (t: string) => (TAXONOMY.includes(t) ? TAXONOMY.indexOf(t) : TAXONOMY.length);
  const merged = new Map<string, number>();
  for (const e of input.errors) if (e.count > 0) merged.set(e.errorType, (merged.get(e.errorType) ?? 0) + e.count);
  const rows = [...merged]
    .map(([errorType, count]) => ({ errorType, label: errorType.replaceAll("_", " "), count, color: METRIC_COLORS.errors }))
    .sort((a, b) => b.count - a.count || rank(a.errorType) - rank(b.errorType) || a.errorType.localeCompare(b.errorType));
  const total = rows.reduce((n, r) => n + r.count, 0);
  return { rows, total, isEmpty: total === 0 };
}
