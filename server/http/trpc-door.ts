// tRPC over HTTP, one door for both ways a request arrives: Next's route (app/api/trpc/[trpc]/route.ts) and the web
// server's plain node:http path (web-server.ts). Before tRPC sees a request: an address that is not valid
// percent-encoding or carries a NUL byte → 400, cross-site cookie mutations → 403, and the body read with a byte
// limit (413) so a huge body is never buffered or parsed. Overload answers 503 with Retry-After. Every answer is
// observed in the request-duration histogram.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../api/root";
import { createContext } from "../api/trpc";
import { RETRY_AFTER_SECONDS } from "../db-errors";
import { observeHttpRequest } from "../metrics/registry";
import { bodyErrorResponse, readBodyBytes } from "./body";
import { crossSiteProblem, jsonError, urlProblem } from "./edge";

export const TRPC_ENDPOINT = "/api/trpc";

async function handler(req: Request): Promise<Response> {
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
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: () => createContext({ headers: request.headers }),
    responseMeta: ({ errors }) => (errors.some((e) => e.code === "SERVICE_UNAVAILABLE") ? { headers: new Headers({ "Retry-After": String(RETRY_AFTER_SECONDS) }) } : {}),
  });
}

/** The procedure for the duration histogram: a known name, or "batch" (combinations would multiply the series), or "unknown". */
function procedureLabel(url: string): string {
  const name = new URL(url).pathname.slice(`${TRPC_ENDPOINT}/`.length);
  if (name.includes(",")) return "batch";
  return Object.hasOwn(appRouter._def.procedures, name) ? name : "unknown";
}

/** A tRPC request (GET or POST under /api/trpc/) answered, and timed for /metrics. */
export async function answerTrpc(req: Request): Promise<Response> {
  const started = performance.now();
  const response = await handler(req);
  observeHttpRequest({ surface: "trpc", method: req.method, route: procedureLabel(req.url), status: response.status, seconds: (performance.now() - started) / 1000 });
  return response;
}
