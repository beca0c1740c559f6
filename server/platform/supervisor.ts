// Keeps an embedded Postgres running: when its process exits unexpectedly it is started again on the same port and
// data (clients' pools reconnect on their next query), with growing waits; after `maxAttempts` failures `onGiveUp`
// decides (the launcher stops everything with a message).
import type { EmbeddedDatabase } from "./embedded-postgres";

export function superviseEmbedded({
  embedded,
  log,
  isStopping = () => false,
  onGiveUp,
  maxAttempts = 10,
  onRestarted = () => {},
}: {
  embedded: Pick<EmbeddedDatabase, "onUnexpectedExit" | "restart">;
  log: (message: string) => void;
  isStopping?: () => boolean;
  onGiveUp: (error: unknown) => void;
  maxAttempts?: number;
  onRestarted?: () => void;
}): void {
  embedded.onUnexpectedExit(async (code, signal) => {
    if (isStopping()) return;
    log(`the embedded PostgreSQL exited (${signal ?? code}); restarting it`);
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts && !isStopping(); attempt++) {
      try {
        await embedded.restart();
        log("the embedded PostgreSQL is running again; web and worker reconnect on their next query");
        onRestarted();
        return;
      } catch (error) {
        // A killed server's backends may hold its shared memory for a moment: wait and try again.
        lastError = error;
        log(`restart attempt ${attempt}/${maxAttempts} failed: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((r) => setTimeout(r, 1_000 * attempt));
      }
    }
    if (!isStopping()) onGiveUp(lastError);
  });
}
