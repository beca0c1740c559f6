import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;

// next.config.js is loaded by Node itself (no TypeScript step): it must read the same schema and stop a bad start.
async function loadNextConfig(extraEnv: Record<string, string>) {
  const script = `import("./next.config.js").then((m) => console.log(JSON.stringify({ poweredByHeader: m.default.poweredByHeader })))`;
  return run(process.execPath, ["--input-type=module", "-e", script], { cwd: root, env: { ...process.env, ...extraEnv } });
}

describe("environment schema", () => {
  it("fills defaults and coerces numbers", () => {
    const env = parseEnv({ PORT: "3205" });
    expect(env.PORT).toBe(3205);
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.RODS_DB_POOL_SIZE).toBe(10);
  });

  it("names every bad variable in one message", () => {
    expect(() => parseEnv({ PORT: "eighty", RODS_ANONYMOUS_READ: "maybe" })).toThrow(/PORT[\s\S]*RODS_ANONYMOUS_READ[\s\S]*Fix these variables/);
  });

  it("next.config.js loads with a good environment and fails at once on a bad one", async () => {
    const ok = await loadNextConfig({ PORT: "3205" });
    expect(JSON.parse(ok.stdout)).toEqual({ poweredByHeader: false });
    const bad = loadNextConfig({ PORT: "not-a-port" });
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringMatching(/Invalid environment:[\s\S]*PORT/) });
  });
});
