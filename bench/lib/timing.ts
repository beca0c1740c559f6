// Timing helpers shared by the CPU benchmarks: best-of-N wall time of a synchronous function.
import { performance } from "node:perf_hooks";

/** `--rounds N` from the command line, else 5. */
export function roundsFromArgs(argv: readonly string[] = process.argv): number {
  const at = argv.indexOf("--rounds");
  return at > 0 ? Number(argv[at + 1]) : 5;
}

export function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Best of `rounds` runs (ms), after one warm-up run. */
export function best(fn: () => void, rounds: number): number {
  fn();
  let min = Infinity;
  for (let i = 0; i < rounds; i++) min = Math.min(min, timeIt(fn));
  return min;
}
