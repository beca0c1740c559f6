// MCP (Streamable HTTP) over the BFCL environments: /api/v1/mcp?taskId=… with an API key of scope "trainer".
import { getDb } from "@/server/db";
import { errorResponse, requestUser } from "@/server/api/auth-http";
import { handleMcpRequest } from "@/server/mcp/env-mcp";

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  const db = getDb();
  try {
    const { user } = await requestUser({ db, headers: req.headers, scope: "trainer" });
    return await handleMcpRequest({ db, req, userId: user.id });
  } catch (error) {
    return errorResponse(error);
  }
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
