// What one worker job costs: its wall time and its share of this process's CPU time. Node cannot say which job
// the CPU was spent on, so the process's CPU is split at every job start and stop: each interval's CPU goes in equal
// parts to the jobs running in it. Every CPU millisecond spent while jobs run is counted once, so totals add up to
// what the process used; a job alone in the process (a procedural synthesis attempt between steps) gets its own
// CPU exactly. Work that is no job's (driver ticks, evaluations) takes a meter too and drops its share.
import { performance } from "node:perf_hooks";

export interface JobCost {
  wallMs: number;
  cpuMs: number;
}

export interface JobMeter {
  /** ends the job's metering (further calls return the same figures) */
  stop(): JobCost;
}

export interface JobMeters {
  start(): JobMeter;
  /** jobs being metered now */
  readonly active: number;
}

/** A set of meters over one CPU clock; `cpuMs` and `nowMs` are injectable so the split can be tested exactly. */
export function createJobMeters({ cpuMs, nowMs }: { cpuMs: () => number; nowMs: () => number }): JobMeters {
  const running = new Set<{ cpuMs: number }>();
  let last = cpuMs();
  const settle = () => {
    const now = cpuMs();
    const spent = Math.max(0, now - last);
    last = now;
    for (const job of running) job.cpuMs += spent / running.size;
  };
  return {
    get active() {
      return running.size;
    },
    start() {
      settle();
      const job = { cpuMs: 0 };
      const startedAt = nowMs();
      running.add(job);
      let result: JobCost | null = null;
      return {
        stop() {
          if (result) return result;
          settle();
          running.delete(job);
          result = { wallMs: Math.max(0, nowMs() - startedAt), cpuMs: job.cpuMs };
          return result;
        },
      };
    },
  };
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const processMeters = createJobMeters({ cpuMs: processCpuMs, nowMs: () => performance.now() });

/** Starts metering a job of this process (stop it on every path, or it keeps taking a share). */
export function startJobMeter(): JobMeter {
  return processMeters.start();
}

/** Runs `work` as a metered participant whose share is dropped (it is not synthesis or rollouts). */
export async function withUnmeteredShare<T>(work: () => Promise<T>): Promise<T> {
  const meter = startJobMeter();
  try {
    return await work();
  } finally {
    meter.stop();
  }
}
