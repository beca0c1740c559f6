// The test database: DATABASE_URL's server (or an embedded one under .rods/test), in a database whose name ends
// in _test, created fresh and migrated. Refuses any other name so a suite can never wipe real data.
import path from "node:path";
import pg from "pg";
import { ensureDatabaseExists, startEmbeddedPostgres } from "../server/platform/embedded-postgres";
import { applyMigrations } from "../server/platform/migrations";
import { projectRoot } from "../server/platform/paths";

export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!name.endsWith("_test")) throw new Error(`Refusing to use database "${name}" for tests: its name must end in _test.`);
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createFreshDatabase(adminUrl: string, name: string): Promise<string> {
  const url = withDatabaseName(adminUrl, name);
  assertTestDatabase(url);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  await ensureDatabaseExists(adminUrl, name);
  return url;
}

/** Starts the server when needed; returns an admin URL and a stop function. */
export async function provideTestServer(home: string): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  if (given) return { adminUrl: withDatabaseName(given, "postgres"), stop: async () => {} };
  const server = await startEmbeddedPostgres({ dataDir: path.join(projectRoot, home, "pg"), port: 54339, isDurable: false });
  return { adminUrl: server.urlFor("postgres"), stop: () => server.stop() };
}

export async function createMigratedTestDatabase(adminUrl: string, name: string): Promise<string> {
  const url = await createFreshDatabase(adminUrl, name);
  await applyMigrations({ url });
  return url;
}
