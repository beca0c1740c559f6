import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: found upward from this file (tsx, vitest, scripts), else the working directory (bundled web). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "rods") return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export const projectRoot = findRoot();
