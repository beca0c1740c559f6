// Serves /api/v1/*: matches the path against the registry (with {param} segments), answers 404/405 in the
// common error shape, and serves the OpenAPI document and its reference page. app/api/v1/[...path]/route.ts and
// the test server are both this function.
import { AppError } from "../../errors";
import { errorBody, errorResponse, runRoute, type V1Route } from "./define-route";
import { renderApiDocs } from "./docs-page";
import { serveMcp } from "./mcp";
import { openApiDocument } from "./openapi";
import { V1_ROUTES } from "./registry";
import { observeHttpRequest } from "../../metrics/registry";

export const V1_PREFIX = "/api/v1";

interface Compiled {
  route: V1Route;
  segments: string[];
}

const compiled: Compiled[] = V1_ROUTES.map((route) => ({ route, segments: route.path.split("/").filter(Boolean) }));

function matchPath(segments: string[], pathSegments: string[]): Record<string, string> | null {
  if (segments.length !== pathSegments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = segments[i]!;
    const actual = pathSegments[i]!;
    if (pattern.startsWith("{") && pattern.endsWith("}")) {
      try {
        params[pattern.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (pattern !== actual) return null;
  }
  return params;
}

/** Serves one /api/v1 request and records its duration (to the response head) under the matched route template. */
export async function dispatchV1(req: Request): Promise<Response> {
  const started = performance.now();
  const { response, route } = await routeV1(req);
  observeHttpRequest({ surface: "api_v1", method: req.method, route, status: response.status, seconds: (performance.now() - started) / 1000 });
  return response;
}

async function routeV1(req: Request): Promise<{ response: Response; route: string }> {
  const pathname = new URL(req.url).pathname;
  const rest = pathname.startsWith(V1_PREFIX) ? pathname.slice(V1_PREFIX.length) : pathname;
  const pathSegments = rest.split("/").filter(Boolean);

  if (req.method === "GET" && rest === "/openapi.json") return { route: "/openapi.json", response: Response.json(openApiDocument(), { headers: { "Cache-Control": "no-cache" } }) };
  if (req.method === "GET" && (rest === "/docs" || rest === "/docs/")) {
    return { route: "/docs", response: new Response(renderApiDocs(openApiDocument()), { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" } }) };
  }

  if (rest === "/mcp" || rest === "/mcp/") return { route: "/mcp", response: await serveMcp(req) };

  const allowed: string[] = [];
  for (const { route, segments } of compiled) {
    const params = matchPath(segments, pathSegments);
    if (!params) continue;
    if (route.method === req.method || (req.method === "HEAD" && route.method === "GET")) return { route: route.path, response: await runRoute(route, req, params) };
    allowed.push(route.method);
  }
  if (allowed.length) {
    const response = Response.json(errorBody("METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${pathname}; use ${allowed.join(" or ")}.`), {
      status: 405,
      headers: { Allow: allowed.join(", ") },
    });
    return { route: "unmatched", response };
  }
  return { route: "unmatched", response: errorResponse(new AppError("NOT_FOUND", `No API route ${req.method} ${pathname}; the routes are listed at ${V1_PREFIX}/docs and ${V1_PREFIX}/openapi.json.`)) };
}
