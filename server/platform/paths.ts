import { fileURLToPath } from "node:url";
import path from "node:path";

/** The repository root, found from this file's location (works under tsx, vitest and scripts). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
