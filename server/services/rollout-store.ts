// Storing rollouts in bulk: one INSERT … SELECT FROM json_populate_recordset statement with one JSON parameter, so
// a group of K trajectories costs one round trip and almost no client-side work (Prisma's createMany spent more
// time in its own runtime than Postgres spent writing). Idempotent on (run, step, task, sample): a retried group
// inserts only the samples that are missing, and the count says how many that were.
import { randomUUID } from "node:crypto";
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";

type RolloutRow = Prisma.RolloutCreateManyInput;

// Column names go into SQL text, so only identifiers of this shape are accepted (they come from our own code).
const COLUMN = /^[A-Za-z][A-Za-z0-9]*$/;

/** Inserts the rows that are not stored yet; returns how many were inserted. Columns are those the rows carry. */
export async function insertRollouts({ db, rows }: { db: Db | Prisma.TransactionClient; rows: RolloutRow[] }): Promise<number> {
  // Rows that leave a column out get its default, as with createMany: one statement per set of columns (a group's
  // scored and failed rollouts differ), usually one or two.
  const byColumns = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const row = Object.fromEntries(Object.entries({ ...r, id: r.id ?? randomUUID() }).filter(([, v]) => v !== undefined));
    const key = Object.keys(row).sort().join(",");
    byColumns.set(key, [...(byColumns.get(key) ?? []), row]);
  }
  let inserted = 0;
  for (const [key, group] of byColumns) {
    const columns = key.split(",");
    for (const c of columns) if (!COLUMN.test(c)) throw new Error(`insertRollouts: unexpected column name ${JSON.stringify(c)}`);
    const list = columns.map((c) => `"${c}"`).join(", ");
    inserted += await (db as Db).$executeRawUnsafe(
      `INSERT INTO "Rollout" (${list}) SELECT ${list} FROM json_populate_recordset(NULL::"Rollout", $1::json)
       ON CONFLICT ("runId", "stepIndex", "taskId", "sample") DO NOTHING`,
      JSON.stringify(group),
    );
  }
  return inserted;
}
