// People with a run's monitor open, as the page behaves: each loads the page (its calls at once, as the browser sends
// them), then polls as the page's clock does for a live run (app/runs/[id]/run-monitor.tsx): the fast calls every
// 2.5 s, the slower ones with them every fourth tick, each reader at its own phase. Used against the services (bench/dashboard/index.ts) and over HTTP (http-readers.ts).
import { performance } from "node:perf_hooks";

export type Call = readonly [name: string, fn: () => Promise<unknown>];
export interface ReaderFigures {
  readers: number;
  calls: number;
  errors: number;
  median: number;
  p95: number;
  p95Ratio: number;
  seconds: number;
  /** by kind of call (its name): how many, median and p95 ms; where the tail comes from */
  byCall?: Record<string, { calls: number; median: number; p95: number }>;
}

export function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function readerFigures({ readers, latencies, errors, seconds, baselineMs }: { readers: number; latencies: number[]; errors: number; seconds: number; baselineMs: number }): ReaderFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const p95 = sorted.length ? quantile(sorted, 0.95) : NaN;
  return { readers, calls: latencies.length + errors, errors, median: sorted.length ? quantile(sorted, 0.5) : NaN, p95, p95Ratio: p95 / baselineMs, seconds };
}

/** Runs `fn`, adding its time to `latencies` when it succeeds; false when it threw. */
export async function timedCall(fn: () => Promise<unknown>, latencies: number[]): Promise<boolean> {
  const t0 = performance.now();
  try {
    await fn();
    latencies.push(performance.now() - t0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `readers` people with the monitor open for `seconds`: `load` at once when the page opens, then a tick every 2.5 s
 * sending `fastPolls`, or `slowTickPolls` every fourth tick (the fast and the slow calls: one batched request over
 * HTTP), with `stepPolls` added to the first tick after each step closes (one every `stepEverySeconds`, as the page
 * refetches the series and the newest step's distribution when the header's step count moves); each reader at its
 * own phase.
 */
export async function simulateReaders({
  readers,
  seconds,
  load,
  fastPolls,
  stepPolls,
  stepEverySeconds,
  slowTickPolls,
  baselineMs,
}: {
  readers: number;
  seconds: number;
  load: readonly Call[];
  fastPolls: readonly Call[];
  stepPolls: readonly Call[];
  stepEverySeconds: number;
  slowTickPolls: readonly Call[];
  baselineMs: number;
}): Promise<ReaderFigures> {
  const latencies: number[] = [];
  const byCall = new Map<string, number[]>();
  /** Times `fn` into `latencies` and its kind's list. */
  const timed = async ([name, fn]: Call) => {
    let list = byCall.get(name);
    if (!list) byCall.set(name, (list = []));
    const ok = await timedCall(fn, list);
    if (ok) latencies.push(list.at(-1)!);
    return ok;
  };
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
  const stepAt = (t: number) => Math.floor((t - t0) / (stepEverySeconds * 1000));
  await Promise.all(
    Array.from({ length: readers }, async (_, reader) => {
      await sleep((reader / readers) * 2500);
      const loaded = await Promise.all(load.map(timed));
      errors += loaded.filter((ok) => !ok).length;
      let seenStep = stepAt(performance.now());
      let tick = 0;
      for (let next = performance.now() + 2500; next < end; next += 2500) {
        await sleep(next - performance.now());
        tick += 1;
        const step = stepAt(performance.now());
        const polled = tick % 4 === 0 ? slowTickPolls : fastPolls;
        const calls = step !== seenStep ? [...polled, ...stepPolls] : polled;
        seenStep = step;
        const ok = await Promise.all(calls.map(timed));
        errors += ok.filter((x) => !x).length;
      }
    }),
  );
  const figures = readerFigures({ readers, latencies, errors, seconds: (performance.now() - t0) / 1000, baselineMs });
  figures.byCall = Object.fromEntries(
    [...byCall].map(([name, list]) => {
      const sorted = list.sort((a, b) => a - b);
      return [name, { calls: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) }];
    }),
  );
  return figures;
}

/** "name: n calls, median m, p95 p" for each kind of call, one line. */
export const byCallLine = (figures: ReaderFigures) =>
  Object.entries(figures.byCall ?? {})
    .map(([name, c]) => `${name}: ${c.calls}× median ${c.median.toFixed(1)} p95 ${c.p95.toFixed(1)}`)
    .join("; ");
