// The BFCL environments over MCP (Streamable HTTP). The one module that imports the MCP SDK's server side.
//
// An MCP session is one environment session of one task: `initialize` on /api/v1/mcp?taskId=… opens it and its id
// becomes the Mcp-Session-Id. Each request gets a fresh server and transport (stateless in memory), and every other
// request finds its environment session by that header in Postgres, so any web process can serve any request.
// tools/list: the current turn's tools; tools/call: one call, the environment's result string as text;
// rods_next_turn / rods_finish: the next user turn / the verifier's score.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Db } from "../db";
import { ERROR_PREFIX } from "../envs/bfcl/bfcl-env";
import { AppError } from "../errors";
import { readBodyText } from "../http/body";
import { createEnvSession, executeSessionCalls, finishEnvSession, getSessionTurn, nextSessionTurn, type SessionTurn } from "../services/env-session-service";

export const NEXT_TURN_TOOL = "rods_next_turn";
export const FINISH_TOOL = "rods_finish";
/** Largest MCP request body: far above any real tool call, far below what could hurt the server. */
export const MCP_MAX_BODY_BYTES = 256 * 1024;

const SERVER_INFO = { name: "rods-bfcl", version: "1.0.0" };

const RODS_TOOLS: Tool[] = [
  {
    name: NEXT_TURN_TOOL,
    description: "Move on to the user's next turn once you have done what the current one asked. Returns the next user message.",
    inputSchema: { type: "object", properties: {} },
  },
  {
    name: FINISH_TOOL,
    description: "End the episode after the last turn. Returns the reward (progress reward in [0, 1]), success and a verdict per turn.",
    inputSchema: { type: "object", properties: {} },
  },
];

function turnText(turn: SessionTurn): string {
  const said = turn.messages.map((m) => m.content).join("\n");
  return `Turn ${turn.turn} of ${turn.turns}. User: ${said}`;
}

function text(value: string, isError = false): CallToolResult {
  return { content: [{ type: "text", text: value }], ...(isError ? { isError: true } : {}) };
}

function buildServer({ db, sessionId, userId, instructions }: { db: Db; sessionId: string; userId: string; instructions?: string }): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: true } }, instructions });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const turn = await getSessionTurn({ db, sessionId, userId });
    const tools: Tool[] = turn.tools.map((t) => ({ name: t.function.name, description: t.function.description, inputSchema: t.function.parameters as Tool["inputSchema"] }));
    return { tools: [...tools, ...RODS_TOOLS] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    try {
      if (name === NEXT_TURN_TOOL) return text(turnText(await nextSessionTurn({ db, sessionId, userId })));
      if (name === FINISH_TOOL) return text(JSON.stringify(await finishEnvSession({ db, sessionId, userId })));
      const { results } = await executeSessionCalls({ db, sessionId, userId, calls: [{ name, arguments: args ?? {} }] });
      return text(results[0]!, results[0]!.startsWith(ERROR_PREFIX));
    } catch (error) {
      // Refusals (after the last turn, a finished or expired session) reach the agent as tool errors it can read.
      if (error instanceof AppError) return text(`${error.code}: ${error.message}`, true);
      throw error;
    }
  });
  return server;
}

function jsonRpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status });
}

async function readJson(req: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  let raw: string;
  try {
    raw = await readBodyText(req, { limitBytes: MCP_MAX_BODY_BYTES });
  } catch (error) {
    if (error instanceof AppError && error.code === "PAYLOAD_TOO_LARGE") return { ok: false, response: jsonRpcError(413, error.message) };
    throw error;
  }
  try {
    return { ok: true, body: JSON.parse(raw) };
  } catch {
    return { ok: false, response: Response.json({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error: the body is not JSON." }, id: null }, { status: 400 }) };
  }
}

function isInitialize(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => m && typeof m === "object" && (m as { method?: unknown }).method === "initialize");
}

/**
 * Serves one MCP request of an authenticated user (the route handler authenticates). POST only: this server sends
 * no notifications of its own, so GET (a server-to-client stream) is answered 405 as the transport spec allows.
 */
export async function handleMcpRequest({ db, req, userId }: { db: Db; req: Request; userId: string }): Promise<Response> {
  if (req.method === "DELETE") return new Response(null, { status: 204 });
  if (req.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST, DELETE" } });
  const parsed = await readJson(req);
  if (!parsed.ok) return parsed.response;

  let sessionId: string;
  let instructions: string | undefined;
  const initialize = isInitialize(parsed.body);
  if (initialize) {
    const taskId = new URL(req.url).searchParams.get("taskId");
    if (!taskId || taskId.length > 200) return jsonRpcError(400, "Name the task on the endpoint URL: /api/v1/mcp?taskId=multi_turn_base_0 (a task id or a BFCL id).");
    const opened = await createEnvSession({ db, taskId, userId });
    sessionId = opened.sessionId;
    instructions = `You are helping a user through the functions listed in tools/list. ${turnText(opened)}\nWhen the turn's request is done call ${NEXT_TURN_TOOL}; after the last turn call ${FINISH_TOOL}.`;
  } else {
    const header = req.headers.get("mcp-session-id");
    if (!header) return jsonRpcError(400, "Send the Mcp-Session-Id header from the initialize response (or initialize first).");
    sessionId = header;
    try {
      await getSessionTurn({ db, sessionId, userId });
    } catch (error) {
      // 404 tells an MCP client to initialize a new session; 410 says why.
      if (error instanceof AppError && (error.code === "NOT_FOUND" || error.code === "GONE")) return jsonRpcError(error.code === "GONE" ? 410 : 404, error.message);
      throw error;
    }
  }
  const server = buildServer({ db, sessionId, userId, instructions });
  const transport = new WebStandardStreamableHTTPServerTransport({
    // Only initialize runs in session mode, so that the transport hands the session id to the client; every later
    // request is served statelessly and finds the session through the header above.
    sessionIdGenerator: initialize ? () => sessionId : undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req, { parsedBody: parsed.body });
  } finally {
    // enableJsonResponse: the response is complete here, so the per-request server can go.
    void server.close();
  }
}
