// tRPC over HTTP. Before tRPC sees a request: NUL bytes in the URL → 400, cross-site cookie mutations → 403, and
// the body read with a byte limit (413) so a huge body is never buffered or parsed. Overload answers 503 with
// Retry-After.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { RETRY_AFTER_SECONDS } from "@/server/db-errors";
import { bodyErrorResponse, readBodyBytes } from "@/server/http/body";
import { crossSiteProblem, jsonError, urlProblem } from "@/server/http/edge";
import { observeHttpRequest } from "@/server/metrics/registry";

export const dynamic = "force-dynamic";

async function handler(req: Request) {
  const badUrl = urlProblem(req.url);
  if (badUrl) return jsonError(400, "BAD_REQUEST", badUrl);
  const crossSite = crossSiteProblem(req);
  if (crossSite) return jsonError(403, "FORBIDDEN", crossSite);
  let request = req;
  if (req.method === "POST") {
    try {
      const body = await readBodyBytes(req);
      request = new Request(req.url, { method: "POST", headers: req.headers, body: body as BodyInit });
    } catch (error) {
      const answer = bodyErrorResponse(error);
      if (answer) return answer;
      throw error;
    }
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createContext({ headers: request.headers }),
    responseMeta: ({ errors }) => (errors.some((e) => e.code === "SERVICE_UNAVAILABLE") ? { headers: new Headers({ "Retry-After": String(RETRY_AFTER_SECONDS) }) } : {}),
  });
}

/** The procedure for the duration histogram: a known name, or "batch" (combinations would multiply the series), or "unknown". */
function procedureLabel(url: string): string {
  const name = new URL(url).pathname.slice("/api/trpc/".length);
  if (name.includes(",")) return "batch";
  return Object.hasOwn(appRouter._def.procedures, name) ? name : "unknown";
}

async function timed(req: Request) {
  const started = performance.now();
  const response = await handler(req);
  observeHttpRequest({ surface: "trpc", method: req.method, route: procedureLabel(req.url), status: response.status, seconds: (performance.now() - started) / 1000 });
  return response;
}

export { timed as GET, timed as POST };
