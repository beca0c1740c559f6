// For *.int.test.ts: the Prisma client on the migrated test database from global-setup.
import { inject } from "vitest";
import { getDb } from "../server/db";
import { assertTestDatabase } from "./test-database";

export function testDb() {
  const url = inject("databaseUrl");
  assertTestDatabase(url);
  process.env.DATABASE_URL = url;
  return getDb();
}

/** Empties the data tables (not the migrations table), so each file starts from a known state. */
export async function resetData(db: ReturnType<typeof getDb>) {
  // Jobs of an earlier file may still be finishing; a deadlock with them is retried rather than failing the suite.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.$executeRawUnsafe(
        `TRUNCATE "Review","SynthesisAttempt","Rollout","TaskStepStat","Step","PoolEntry","Evaluation","PolicyCheckpoint","Run","Task","Dataset","ImportRun","WorkerHeartbeat","ApiKey","Session","User","sign_in_limit" CASCADE`,
      );
      await db.$executeRawUnsafe(`DELETE FROM pgboss.job`).catch(() => {});
      return;
    } catch (error) {
      if (attempt >= 5 || !String(error).includes("40P01")) throw error;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
