// A throwaway Postgres database for tools that need one (migration diffs, drift checks).
import { randomBytes } from "node:crypto";
import pg from "pg";
import path from "node:path";
import { ensureDatabaseExists, startEmbeddedPostgres } from "../server/platform/embedded-postgres";
import { projectRoot } from "../server/platform/paths";

/** Runs `fn` with the URL of a fresh, empty database that is dropped afterwards. */
export async function withScratchServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const base = process.env.DATABASE_URL;
  const embedded = base ? undefined : await startEmbeddedPostgres({ dataDir: path.join(projectRoot, ".rods", "pg-tools") });
  const adminUrl = base ?? embedded!.urlFor("postgres");
  const name = `rods_scratch_${randomBytes(4).toString("hex")}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await ensureDatabaseExists(adminUrl, name);
    return await fn(url.toString());
  } finally {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await client.end();
    await embedded?.stop();
  }
}
