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

  it("RODS_TRUSTED_PROXIES: empty by default; addresses, ranges and named ranges accepted; anything else named and refused", () => {
    expect(parseEnv({}).RODS_TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ RODS_TRUSTED_PROXIES: " loopback, 10.0.0.0/8 ,2001:db8::/32,192.0.2.1," }).RODS_TRUSTED_PROXIES).toEqual(["loopback", "10.0.0.0/8", "2001:db8::/32", "192.0.2.1"]);
    for (const bad of ["*", "true", "10.0.0.0/33", "loopback, proxy.example.org"]) {
      expect(() => parseEnv({ RODS_TRUSTED_PROXIES: bad }), bad).toThrow(/RODS_TRUSTED_PROXIES: "(\*|true|10\.0\.0\.0\/33|proxy\.example\.org)" is not an IP address, a CIDR range/);
    }
  });

  it("next.config.js loads with a good environment and fails at once on a bad one", async () => {
    const ok = await loadNextConfig({ PORT: "3205" });
    expect(JSON.parse(ok.stdout)).toEqual({ poweredByHeader: false });
    const bad = loadNextConfig({ PORT: "not-a-port" });
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringMatching(/Invalid environment:[\s\S]*PORT/) });
  });
});
