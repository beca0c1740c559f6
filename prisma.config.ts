import { defineConfig } from "prisma/config";

// Used by `prisma generate` and `prisma validate`; migrations are applied by server/platform/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/rods" },
});
