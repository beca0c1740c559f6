// A second web process of the built app on the e2e server's database, with its own environment (e.g. anonymous
// reading off): what several web processes behind one load balancer, or another setting, look like to a browser.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { e2eDatabaseUrl } from "./trpc-http";

export interface SecondWeb {
  url: string;
  stop: () => Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/**
 * `via: "next start"` starts Next's own server instead of RODS's (every request through Next's pipeline and the
 * app route): what the web process was before the plain tRPC path, to compare answers with.
 */
export async function startSecondWeb(env: Record<string, string>, { via = "rods" }: { via?: "rods" | "next start" } = {}): Promise<SecondWeb> {
  const databaseUrl = e2eDatabaseUrl();
  if (!databaseUrl) throw new Error("The e2e server's database is unknown: start the e2e server (npx playwright test) first.");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The web process as `npm start` runs it (scripts/web.ts: the plain tRPC path in front of the built app).
  const [command, args] =
    via === "rods"
      ? [process.execPath, ["--import", "tsx", path.join("scripts", "web.ts")]]
      : [path.join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"]];
  const child: ChildProcess = spawn(command, args, {
    cwd: process.cwd(),
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", RODS_HOME: ".rods/e2e", HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the second web process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).status < 500) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error("the second web process did not answer /api/health within a minute");
}
