// The web process (`npm start` starts it; so do e2e and the benchmarks): the built Next app behind RODS's own
// node:http server (server/http/web-server.ts), which answers tRPC requests, and requests with a body to /api/v1 and
// sign-in/out, without Next's request pipeline. Needs a
// build (`npm run build`; `npm start` builds when sources changed). Listens on HOST:PORT; SIGTERM or Ctrl-C stops
// taking connections, lets requests in flight finish (at most 10 s) and closes the database pool.
//
// This process loads the server code twice: tsx's copy for the tRPC path, Next's bundle for pages and the other
// routes. The Prisma client, the metrics registry and the web queue live on globalThis (server/db.ts,
// server/metrics/registry.ts, server/jobs/web-queue.ts), so both copies share one pool of RODS_DB_POOL_SIZE
// connections and one /metrics.
import { existsSync } from "node:fs";
import path from "node:path";
import next from "next";
import { disconnectDb } from "../server/db";
import { parseEnv } from "../server/env";
import { ReadCache } from "../server/http/read-cache";
import { countReadCacheAnswer } from "../server/metrics/registry";
import { createWebServer } from "../server/http/web-server";
import { projectRoot } from "../server/platform/paths";

const env = parseEnv();
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
if (!existsSync(path.join(projectRoot, ".next", "BUILD_ID"))) {
  console.error("[web] the web app is not built: run `npm run build` (or `npm start`, which builds when needed).");
  process.exit(1);
}

const app = next({ dev: false, dir: projectRoot, hostname: env.HOST, port: env.PORT });
await app.prepare();
const server = createWebServer({ handleNext: app.getRequestHandler(), readCache: new ReadCache({ ttlMs: env.RODS_READ_CACHE_MS, onAnswer: countReadCacheAnswer }) });
// Idle keep-alive connections close after 5 s, as under `next start` (a client still sending a body the server
// refused waits on that close; 65 s here left e2e's oversize-body check waiting past its timeout).
server.keepAliveTimeout = 5_000;
server.listen(env.PORT, env.HOST);
await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));

let isStopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (isStopping) return;
    isStopping = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([closed, deadline])
      .then(() => Promise.race([disconnectDb().catch(() => {}), new Promise((r) => setTimeout(r, 3_000).unref())]))
      .then(() => process.exit(0));
  });
}
