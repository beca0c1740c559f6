// The app as e2e tests see it: `npm start` on its own port, with its own database (rods_e2e_test on the
// DATABASE_URL server, or an embedded server under .rods/e2e), so tests never touch real data.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureDatabaseExists } from "../server/platform/embedded-postgres";
import { projectRoot } from "../server/platform/paths";
import { withDatabaseName } from "../test/test-database";

const port = process.env.E2E_PORT ?? "3100";
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: port,
  RODS_HOME: ".rods/e2e",
  RODS_ADMIN_PASSWORD: process.env.RODS_ADMIN_PASSWORD ?? "rods-e2e-admin-password",
  // The one key variable the experiments spec may name (it is never set: the spec checks the "not set" hint).
  RODS_ENDPOINT_KEY_ENVS: process.env.RODS_ENDPOINT_KEY_ENVS ?? "E2E_UNSET_KEY",
  // The specs stand behind a proxy on loopback: a throttled spec names its own client in X-Forwarded-For, so the
  // sign-in counts it leaves in the database (kept 15 minutes) never throttle 127.0.0.1, where every spec signs in.
  RODS_TRUSTED_PROXIES: "loopback",
};
if (process.env.DATABASE_URL) {
  await ensureDatabaseExists(withDatabaseName(process.env.DATABASE_URL, "postgres"), "rods_e2e_test");
  env.DATABASE_URL = withDatabaseName(process.env.DATABASE_URL, "rods_e2e_test");
}
// Node with tsx as a loader (not tsx's CLI, which SIGKILLs a child slow to acknowledge a relayed signal).
const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: projectRoot, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
