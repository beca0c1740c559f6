// Provides the database for a process tree: the given DATABASE_URL, or an embedded Postgres under RODS_HOME.
import path from "node:path";
import { ensureDatabaseExists, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres";
import { applyMigrations } from "./migrations";
import { projectRoot } from "./paths";

export interface ProvidedDatabase {
  url: string;
  isEmbedded: boolean;
  appliedMigrations: string[];
  stop(): Promise<void>;
  /** The embedded server, for supervision (absent with DATABASE_URL: that server is someone else's to run). */
  embedded?: Pick<EmbeddedDatabase, "onUnexpectedExit" | "restart">;
}

export async function provideDatabase({
  databaseUrl,
  home,
  databaseName = "rods",
  log = () => {},
}: {
  databaseUrl?: string;
  home: string;
  databaseName?: string;
  log?: (message: string) => void;
}): Promise<ProvidedDatabase> {
  let url = databaseUrl;
  let stop = async () => {};
  let embedded: ProvidedDatabase["embedded"];
  if (!url) {
    const dataDir = path.resolve(projectRoot, home, "pg");
    log(`starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir) || dataDir})`);
    const server = await startEmbeddedPostgres({ dataDir });
    await ensureDatabaseExists(server.urlFor("postgres"), databaseName);
    url = server.urlFor(databaseName);
    stop = () => server.stop();
    embedded = server;
  }
  try {
    const appliedMigrations = await applyMigrations({ url });
    if (appliedMigrations.length) log(`applied migrations: ${appliedMigrations.join(", ")}`);
    return { url, isEmbedded: !databaseUrl, appliedMigrations, stop, embedded };
  } catch (error) {
    await stop();
    throw new Error(`Could not migrate the database: ${error instanceof Error ? error.message : String(error)}`);
  }
}
