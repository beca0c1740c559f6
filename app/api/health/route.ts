import { getDb } from "@/server/db";
import { parseEnv } from "@/server/env";
import { checkHealth } from "@/server/services/health-service";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth({ db: getDb(), staleSeconds: parseEnv().RODS_WORKER_STALE_SECONDS });
  return Response.json(health, { status: health.db === "ok" ? 200 : 503 });
}
