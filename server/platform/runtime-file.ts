// .rods/runtime.json: how other commands (the CLI, tests) reach the embedded database a running `npm start` owns.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./paths";

export interface RuntimeInfo {
  databaseUrl: string;
  pid: number;
  port: number;
}

const fileOf = (home: string) => path.resolve(projectRoot, home, "runtime.json");

export function writeRuntimeInfo(home: string, info: RuntimeInfo): void {
  mkdirSync(path.dirname(fileOf(home)), { recursive: true });
  // It holds the database URL with its password: readable by its owner only.
  writeFileSync(fileOf(home), JSON.stringify(info, null, 2), { mode: 0o600 });
  chmodSync(fileOf(home), 0o600);
}

export function removeRuntimeInfo(home: string): void {
  rmSync(fileOf(home), { force: true });
}

/** The running launcher's info, or undefined when none is running (a stale file is ignored). */
export function readRuntimeInfo(home: string): RuntimeInfo | undefined {
  const file = fileOf(home);
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as RuntimeInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}
