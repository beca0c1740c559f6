// Applies prisma/migrations with Prisma's own engine (as WebAssembly), recording _prisma_migrations as Prisma Migrate does.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { openSchemaEngine } from "./schema-engine";
import { projectRoot } from "./paths";

export const migrationsDir = path.join(projectRoot, "prisma", "migrations");

export async function loadMigrationList(dir = migrationsDir): Promise<MigrationList> {
  const entries = existsSync(dir) ? await readdir(dir, { withFileTypes: true }) : [];
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      folders.map(async (name) => {
        const file = path.join(dir, name, "migration.sql");
        const content = existsSync(file)
          ? { tag: "ok" as const, value: await readFile(file, "utf8") }
          : { tag: "error" as const, value: `missing ${file}` };
        return { path: name, migrationFile: { path: "migration.sql", content } };
      }),
    ),
  } as MigrationList;
}

/** Applies every pending migration; returns the names applied now. */
export async function applyMigrations({ url, dir = migrationsDir }: { url: string; dir?: string }): Promise<string[]> {
  const { engine, close } = await openSchemaEngine({ url });
  try {
    const out = await engine.applyMigrations({
      migrationsList: await loadMigrationList(dir),
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}

/** The SQL that takes a database from schema `from` (or empty) to schema `to`. */
export async function diffSchemas({ url, from, to }: { url: string; from: string | null; to: string }): Promise<string> {
  const { engine, close } = await openSchemaEngine({ url, datamodel: to });
  try {
    const files = (content: string) => ({ files: [{ path: "schema.prisma", content }] });
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", ...files(from) },
      to: { tag: "schemaDatamodel", ...files(to) },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    await close();
  }
}
