import type { TestProject } from "vitest/node";
import { createMigratedTestDatabase, provideTestServer } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await provideTestServer(".rods/test");
  const url = await createMigratedTestDatabase(server.adminUrl, "rods_test");
  project.provide("databaseUrl", url);
  project.provide("adminDatabaseUrl", server.adminUrl);
  return async () => {
    await server.stop();
  };
}
