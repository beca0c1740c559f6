// The histogram shape the monitor's charts share, and its defaults.
export const DEFAULT_BINS = 20;
/** Rewards lie in [0, 1], so a group's (population) variance is at most 1/4. */
export const MAX_VARIANCE = 0.25;
export const MAX_SCATTER_POINTS = 2000;

export interface Histogram {
  min: number;
  max: number;
  /** counts per equal-width bin, lowest first; the top edge belongs to the last bin */
  counts: number[];
}

export function emptyHistogram(min: number, max: number, bins: number): Histogram {
  return { min, max, counts: Array.from({ length: bins }, () => 0) };
}
