// Number and duration formats shared by the run pages and chart tooltips.

export function formatShare(x: number | null | undefined, digits = 0): string {
  return typeof x === "number" && Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : "—";
}

export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (typeof x !== "number" || !Number.isFinite(x)) return "—";
  return Number.isInteger(x) ? x.toLocaleString("en-US") : x.toFixed(digits);
}

/** "3 h 12 min", "4 min 05 s", "42 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h >= 48 ? `${Math.round(h / 24)} days` : `${h} h ${String(m).padStart(2, "0")} min`;
}
