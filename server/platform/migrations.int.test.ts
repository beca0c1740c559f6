// Drift check: the migrations folder must build exactly the schema that schema.prisma describes.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createFreshDatabase, createMigratedTestDatabase } from "../../test/test-database";
import { applyMigrations, diffSchemas } from "./migrations";
import { projectRoot } from "./paths";
import { describeSchema, diffDescriptions } from "./schema-describe";

const schemaText = () => readFileSync(path.join(projectRoot, "prisma", "schema.prisma"), "utf8");

async function databaseFromSchema(adminUrl: string, name: string, schema: string): Promise<string> {
  const url = await createFreshDatabase(adminUrl, name);
  const sql = await diffSchemas({ url, from: null, to: schema });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
  return url;
}

describe("migrations", () => {
  const adminUrl = inject("adminDatabaseUrl");

  it("build the same tables, columns, types, nullability, defaults, indexes and constraints as schema.prisma", async () => {
    const fromMigrations = await createMigratedTestDatabase(adminUrl, "rods_drift_migrations_test");
    const fromSchema = await databaseFromSchema(adminUrl, "rods_drift_schema_test", schemaText());
    const drift = diffDescriptions(await describeSchema(fromMigrations), await describeSchema(fromSchema));
    expect(drift, `schema.prisma and prisma/migrations disagree; run \`npm run db:migration -- <name>\`:\n${drift.join("\n")}`).toEqual([]);
  });

  it("the comparison notices a column added to schema.prisma without a migration", async () => {
    const changed = schemaText().replace(/model Dataset \{\n/, "model Dataset {\n  addedWithoutMigration String?\n");
    expect(changed).not.toEqual(schemaText());
    const fromMigrations = await createMigratedTestDatabase(adminUrl, "rods_drift_migrations_test");
    const fromChanged = await databaseFromSchema(adminUrl, "rods_drift_changed_test", changed);
    const drift = diffDescriptions(await describeSchema(fromMigrations), await describeSchema(fromChanged));
    expect(drift).toEqual(['+ columns: Dataset.addedWithoutMigration text null']);
  });

  it("records applied migrations in _prisma_migrations as Prisma Migrate does, and applies nothing twice", async () => {
    const url = await createMigratedTestDatabase(adminUrl, "rods_drift_migrations_test");
    expect(await applyMigrations({ url })).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = (await client.query("SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name")).rows;
    await client.end();
    const { createHash } = await import("node:crypto");
    const { readdirSync } = await import("node:fs");
    const dir = path.join(projectRoot, "prisma", "migrations");
    const folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      const sql = readFileSync(path.join(dir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it("leaves nothing that keeps a process alive once the schema engine is closed", async () => {
    // The engine arms timers it never clears; a process that migrated then waited 10 s to exit (vitest's int run).
    const url = await createFreshDatabase(adminUrl, "rods_drift_exit_test");
    const script = `
      import { applyMigrations } from "./server/platform/migrations.ts";
      const applied = await applyMigrations({ url: process.env.MIGRATE_URL });
      setImmediate(() => console.log(JSON.stringify({ applied: applied.length, keepsAlive: process.getActiveResourcesInfo() })));
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: projectRoot, encoding: "utf8", timeout: 120_000, env: { ...process.env, MIGRATE_URL: url },
    });
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { applied: number; keepsAlive: string[] };
    expect(report.applied).toBeGreaterThan(0);
    expect(report.keepsAlive.filter((r) => r === "Timeout")).toEqual([]);
  });
});
