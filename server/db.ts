// The one Prisma client, shared by web and worker; cached on globalThis so dev reloads do not open new pools.
import { PrismaPg } from "@prisma/adapter-pg";
import { parseEnv } from "./env";
import { PrismaClient } from "./generated/prisma/client";

function databaseUrl(): string {
  // Read at first use, not import: the launcher may provide the URL after this module loads.
  const url = parseEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start RODS with `npm start`, which provides a database.");
  return url;
}

function createPrisma() {
  const env = parseEnv();
  return new PrismaClient({
    // A full pool makes a request wait at most RODS_DB_POOL_TIMEOUT_MS, then it is answered 503 (db-errors.ts).
    adapter: new PrismaPg({ connectionString: databaseUrl(), max: env.RODS_DB_POOL_SIZE, connectionTimeoutMillis: env.RODS_DB_POOL_TIMEOUT_MS }),
    omit: { user: { passwordHash: true }, session: { tokenHash: true }, apiKey: { keyHash: true } },
  });
}

export type Db = ReturnType<typeof createPrisma>;

const globalForPrisma = globalThis as unknown as { prisma?: Db };

/** Lazily created so importing this module never needs a database. */
export function getDb(): Db {
  globalForPrisma.prisma ??= createPrisma();
  return globalForPrisma.prisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
}
