// A periodic runner: chained setTimeout so runs never overlap; stop() waits for the run in flight.
export interface PeriodicRunner {
  stop(): Promise<void>;
}

export function startPeriodic({ name, intervalMs, run }: { name: string; intervalMs: number; run: () => Promise<void> }): PeriodicRunner {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let isStopped = false;
  const tick = () => {
    inFlight = run()
      .catch((error) => console.error(`[${name}]`, error instanceof Error ? error.message : error))
      .finally(() => {
        if (!isStopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
