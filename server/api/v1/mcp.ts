// /api/v1/mcp: the MCP door (Streamable HTTP, JSON-RPC bodies), beside the REST routes of the registry. Same API
// keys; the scope is "trainer", as for environment sessions over REST.
import { getDb } from "../../db";
import { handleMcpRequest } from "../../mcp/env-mcp";
import { requestUser } from "../auth-http";
import { errorResponse } from "./define-route";

export async function serveMcp(req: Request): Promise<Response> {
  try {
    const db = getDb();
    const { user } = await requestUser({ db, headers: req.headers, scope: "trainer" });
    return await handleMcpRequest({ db, req, userId: user.id });
  } catch (error) {
    return errorResponse(error);
  }
}
