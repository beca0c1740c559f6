// GET /metrics: open when anonymous reading is allowed (RODS_ANONYMOUS_READ, as for the pages), otherwise for a
// signed-in session or an API key with runs:read. app/metrics/route.ts and the test API server both call this.
import { requestUser, errorResponse } from "../api/auth-http";
import { getDb } from "../db";
import { isAnonymousReadAllowed } from "../env";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./registry";

export async function serveMetrics(req: Request): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return Response.json({ error: { code: "METHOD_NOT_ALLOWED", message: `${req.method} is not allowed on /metrics; use GET.` } }, { status: 405, headers: { Allow: "GET, HEAD" } });
  }
  try {
    const db = getDb();
    if (!isAnonymousReadAllowed()) await requestUser({ db, headers: req.headers, scope: "runs:read" });
    const text = await renderMetrics({ db });
    return new Response(req.method === "HEAD" ? null : text, { headers: { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
