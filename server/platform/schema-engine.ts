// Prisma's schema engine as WebAssembly: the native binary cannot be fetched on these machines (DESIGN.md §7).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

type Glue = typeof import("@prisma/schema-engine-wasm") & { __wbg_set_wasm(exports: WebAssembly.Exports): void };

let gluePromise: Promise<Glue> | undefined;

/**
 * The engine arms timers (its async runtime's timeouts) that it never clears, not even on free(); they held a process
 * that had closed the engine for 10 s more (vitest's int run waited at exit). Unref'd, they still fire in a process
 * that lives on, but no longer keep one alive.
 */
function withUnrefTimers(imports: WebAssembly.ModuleImports): WebAssembly.ModuleImports {
  return Object.fromEntries(
    Object.entries(imports).map(([name, value]) => {
      if (!name.startsWith("__wbg_setTimeout_") || typeof value !== "function") return [name, value];
      const arm = value as (...args: unknown[]) => unknown;
      return [name, (...args: unknown[]) => {
        const timer = arm(...args) as { unref?: () => void } | undefined;
        timer?.unref?.();
        return timer;
      }];
    }),
  );
}

async function loadGlue(): Promise<Glue> {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
  const glue = (await import(path.join(dir, "schema_engine_bg.js"))) as Glue;
  const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": withUnrefTimers(glue as unknown as WebAssembly.ModuleImports) });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/** Opens the schema engine against a live Postgres; the caller must `close()` it (frees the engine, ends its pool). */
export async function openSchemaEngine({ url, datamodel }: { url: string; datamodel?: string }): Promise<{ engine: SchemaEngine; close: () => Promise<void> }> {
  gluePromise ??= loadGlue();
  const glue = await gluePromise;
  // Our own pool, so that it can be ended: an adapter-owned pool keeps idle sockets that hold the process open.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const datamodels: [string, string][] | undefined = datamodel ? [["schema.prisma", datamodel]] : undefined;
  const log = () => {};
  try {
    const engine = await glue.SchemaEngine.new({ datamodels }, log, adapter);
    return {
      engine,
      close: async () => {
        engine.free();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
