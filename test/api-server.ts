// The /api/v1 handlers served over real HTTP from a separate process, for integration tests of the API: tests
// talk to it with fetch, as a trainer would. `startApiServer` spawns this file; run directly, it serves
// the web server as `npm start` has it (tRPC, /api/v1 changes and sign-in/out on its plain path) with dispatchV1 and
// /metrics for the rest, on 127.0.0.1 (RODS_API_SERVER_PORT, default any free port) and prints `listening <url>` on stdout.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

export interface ApiServer {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts the API server process on `databaseUrl`; resolves once it listens. */
export function startApiServer({ databaseUrl, env = {} }: { databaseUrl: string; env?: Record<string, string> }): Promise<ApiServer> {
  const tsx = path.join(path.dirname(self), "..", "node_modules", ".bin", "tsx");
  const child = spawn(tsx, [self], { env: { ...process.env, ...env, DATABASE_URL: databaseUrl, RODS_API_SERVER: "1" }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)/.exec(out);
      if (match) {
        child.stdout!.removeAllListeners("data");
        child.stdout!.resume();
        resolve({
          url: match[1]!,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`the API server exited with ${code} before listening: ${out}`)));
  });
}

async function serve() {
  const { dispatchV1 } = await import("../server/api/v1/dispatch");
  const { serveMetrics } = await import("../server/metrics/serve");
  const { disconnectDb } = await import("../server/db");
  const { stopWebQueue } = await import("../server/jobs/web-queue");
  const { createWebServer, toRequest } = await import("../server/http/web-server");
  const { ReadCache } = await import("../server/http/read-cache");
  const { countReadCacheAnswer } = await import("../server/metrics/registry");
  const { parseEnv } = await import("../server/env");
  // tRPC, and changes sent to /api/v1 and sign-in/out, through the production web server's own plain path; the
  // rest (what Next serves in production: /api/v1 reads, /metrics) here.
  const server = createWebServer({
    readCache: new ReadCache({ ttlMs: parseEnv().RODS_READ_CACHE_MS, onAnswer: countReadCacheAnswer }),
    handleNext: async (req, res) => {
      try {
        const request = toRequest(req);
        const pathname = new URL(request.url).pathname;
        const routes: Record<string, (request: Request) => Promise<Response>> = { "/metrics": serveMetrics };
        const response = await (routes[pathname] ?? dispatchV1)(request);
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        res.end(Buffer.from(await response.arrayBuffer()));
        // A body the handler refused unread (e.g. too large) is drained, so the client sees the answer.
        req.resume();
      } catch (error) {
        console.error(error);
        res.writeHead(500).end();
      }
    },
  });
  server.listen(Number(process.env.RODS_API_SERVER_PORT ?? 0), "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    console.log(`listening http://127.0.0.1:${port}`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([stopWebQueue(), disconnectDb()]).then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.env.RODS_API_SERVER === "1" && process.argv[1] && path.resolve(process.argv[1]) === self) void serve();
