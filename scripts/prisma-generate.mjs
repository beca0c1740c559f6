// Runs `prisma generate` after install. Prisma insists on a schema engine binary path even though generate never
// executes it, and the binary cannot be downloaded here (DESIGN.md §7): point it at an existing file.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url), PRISMA_HIDE_UPDATE_MESSAGE: "1" };
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env, cwd: fileURLToPath(new URL("..", import.meta.url)) });
process.exit(result.status ?? 1);
