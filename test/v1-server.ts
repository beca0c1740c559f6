// A plain node:http server for integration tests that serves the real route handlers of app/api/v1 (found on disk,
// Next's [param] folders as path parameters), so tests reach /api/v1 over real HTTP without a `next build`.
// Run as its own process: `tsx test/v1-server.ts`; it prints `listening <port>` once ready.
import { readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
interface Route {
  pattern: RegExp;
  names: string[];
  module: Record<string, unknown>;
}

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));

function findRoutes(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findRoutes(full));
    else if (name === "route.ts") out.push(full);
  }
  return out;
}

async function loadRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  for (const file of findRoutes(path.join(root, "app", "api", "v1"))) {
    const segments = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep);
    const names: string[] = [];
    const regex = segments
      .map((s) => {
        const param = /^\[(\w+)\]$/.exec(s);
        if (!param) return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(param[1]!);
        return "([^/]+)";
      })
      .join("/");
    routes.push({ pattern: new RegExp(`^/${regex}/?$`), names, module: (await import(pathToFileURL(file).href)) as Record<string, unknown> });
  }
  // Static segments before parameters, as Next matches them.
  return routes.sort((a, b) => a.names.length - b.names.length);
}

const routes = await loadRoutes();
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const method = req.method ?? "GET";
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const hasBody = method !== "GET" && method !== "HEAD";
    const request = new Request(url, { method, headers, body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined, duplex: "half" } as RequestInit);
    let response: Response = Response.json({ error: { code: "NOT_FOUND", message: `No route ${url.pathname}` } }, { status: 404 });
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const handler = route.module[method] as Handler | undefined;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
      response = handler ? await handler(request, { params: Promise.resolve(params) }) : new Response(null, { status: 405 });
      break;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    console.error("[v1-server]", error);
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "INTERNAL_SERVER_ERROR", message: "test server failure" } }));
  }
});
server.listen(Number(process.env.V1_TEST_PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : ""}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
