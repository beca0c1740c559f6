// Prometheus scrape endpoint; see server/metrics/serve.ts for who may read it.
import { serveMetrics } from "@/server/metrics/serve";

export const dynamic = "force-dynamic";

export { serveMetrics as GET, serveMetrics as HEAD };
