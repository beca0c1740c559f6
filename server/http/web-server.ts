// The production web process's HTTP server: tRPC requests (GET and POST under /api/trpc/, what every open page polls)
// go straight from node:http to the tRPC door (trpc-door.ts), and so do requests with a body to /api/v1 and
// sign-in/out (to their routes: plainRouteOf); everything else to Next's request handler. Next's
// pipeline (the proxy, app-route handling, its response streaming and gzip) cost 9–20 ms per request against a
// 1–2 ms query (README "Speed"); this path keeps what it gave those answers: the URL checks (trpc-door), the
// security headers of next.config.js and a per-response Content-Security-Policy, no caching, gzip for larger
// bodies (off the main thread). The polled reads can be answered from memory for a moment (read-cache.ts). Every
// request, whichever path answers it, is stamped with the client's address first (client-address.ts).
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { sessionTokenOf } from "../api/auth-http";
import { signInRoute, signOutRoute } from "../api/auth-routes";
import { dispatchV1, V1_PREFIX } from "../api/v1/dispatch";
import { getDb } from "../db";
import { isAnonymousReadAllowed, parseEnv } from "../env";
import { sessionExpiry } from "../services/auth-service";
import { compileTrustedProxies, markStamping, stampClientAddress } from "./client-address";
import { contentSecurityPolicy, createNonce } from "./csp";
import { jsonError } from "./edge";
import { isChangingRequest, ReadCache, readCacheKey, type StoredAnswer } from "./read-cache";
import { SECURITY_HEADERS } from "./security-headers.js";
import { TRPC_ENDPOINT, answerTrpc } from "./trpc-door";

type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Bodies from this size are gzipped when the client accepts it (smaller ones cost more to pack than to send). */
const GZIP_FROM_BYTES = 1024;
/** Level 1: a 100 KB series packs to 13.6 KB in 0.85 ms, against 12.1 KB in 1.6 ms at zlib's default 6. */
const GZIP_LEVEL = 1;
const gzipAsync = promisify(gzip);

/** Requests the plain path answers; the rest (other methods, other paths) go to Next as before. */
export const isPlainTrpcRequest = (req: IncomingMessage) => (req.method === "GET" || req.method === "POST") && (req.url ?? "").startsWith(`${TRPC_ENDPOINT}/`);

type Route = (request: Request) => Promise<Response>;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Requests that carry a body to /api/v1 and to sign-in/out are answered here too, not by Next: Next hands such a
 * request to its route only once it has read the whole body (keeping a copy of up to 10 MB for the proxy step), so
 * a body over the limit was refused only after its last byte, and a client waiting midway for the answer waited
 * for the server's request timeout (5 min, then 408). Here the route reads the body as it comes and may refuse it
 * at once. Their GETs (exports stream, MCP's event stream) still go to Next.
 */
export function plainRouteOf(req: IncomingMessage): Route | null {
  if (!BODY_METHODS.has(req.method ?? "")) return null;
  const path = (req.url ?? "").split("?", 1)[0]!;
  if (path.startsWith(`${V1_PREFIX}/`)) return dispatchV1;
  if (path === "/api/auth/sign-in") return signInRoute;
  if (path === "/api/auth/sign-out") return signOutRoute;
  return null;
}

/**
 * A request with a body to an address Next serves: none of those takes one (pages, exports, /metrics, MCP's event
 * stream are GETs), and Next would read and keep all of it (up to 10 MB, for the proxy step) before answering.
 */
export const isBodyForNext = (req: IncomingMessage) =>
  req.method !== "GET" && req.method !== "HEAD" && (req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0);

/** The session token the request's cookie carries, if any. */
const sessionOf = (req: IncomingMessage) => sessionTokenOf({ get: (name: string) => (req.headers[name.toLowerCase()] as string | undefined) ?? null });

/**
 * `readCache`: where polled reads are kept for a moment (none unless given: scripts/web.ts passes one of
 * RODS_READ_CACHE_MS). `trustedProxies`: whose X-Forwarded-For names the client (RODS_TRUSTED_PROXIES by default).
 */
export function createWebServer({ handleNext, isDev = false, readCache = new ReadCache({ ttlMs: 0 }), trustedProxies = parseEnv().RODS_TRUSTED_PROXIES }: { handleNext: NextHandler; isDev?: boolean; readCache?: ReadCache; trustedProxies?: readonly string[] }): http.Server {
  const isAnonymousReading = isAnonymousReadAllowed();
  const trust = compileTrustedProxies(trustedProxies);
  markStamping();
  /** Whether this reader may get kept answers: everyone where anonymous reading is on, else a valid session. */
  const mayRead = (req: IncomingMessage) => {
    if (isAnonymousReading) return Promise.resolve(true);
    const token = sessionOf(req);
    if (!token) return Promise.resolve(false);
    return readCache.mayRead(token, async (t) => ((await sessionExpiry({ db: getDb(), token: t }))?.getTime() ?? 0) - Date.now());
  };
  return http.createServer((req, res) => {
    stampClientAddress(req, trust);
    // A change sent with a session (a browser's own, a sign-out among them) must be seen by its sender's next poll.
    // Changes sent with an API key (a trainer's batches, the CLI) are seen within the cache's bound, as the worker's
    // are: emptying the cache at each of them would leave it nothing to share while a trainer sends its work.
    if (isChangingRequest(req) && sessionOf(req)) {
      // Emptied when a change arrives and again once it is answered: a read computed while it ran is not kept either.
      readCache.clear();
      res.once("finish", () => readCache.clear());
    }
    const route = plainRouteOf(req);
    const answered = isPlainTrpcRequest(req)
      ? answerPlain({ req, res, isDev, readCache, mayRead })
      : route
        ? answerRoute({ req, res, isDev, route })
        : isBodyForNext(req)
          ? send({ req, res, isDev, response: jsonError(413, "PAYLOAD_TOO_LARGE", "This address takes no request body; bodies go to /api/trpc, /api/v1 and /api/auth/sign-in or sign-out.") })
          : handleNext(req, res);
    answered.catch(async (error: unknown) => {
      console.error(`[web] ${req.method} ${req.url?.slice(0, 200)} failed`, error);
      if (res.headersSent) return res.destroy();
      const failure = jsonError(500, "INTERNAL_SERVER_ERROR", "Something went wrong on the server; the details are in the server log.");
      await send({ req, res, isDev, response: failure }).catch(() => res.destroy());
    });
  });
}

/** A route's answer to the request, encoded (the Fetch Request is built only here: an answer from memory needs none). */
async function compute({ req, isDev, route }: { req: IncomingMessage; isDev: boolean; route: Route }): Promise<StoredAnswer> {
  let request: Request;
  try {
    request = toRequest(req);
  } catch {
    return encode({ req, isDev, response: jsonError(400, "BAD_REQUEST", "The request's Host header or address cannot be read; send a valid HTTP request.") });
  }
  return encode({ req, isDev, response: await route(request) });
}

async function answerPlain({ req, res, isDev, readCache, mayRead }: { req: IncomingMessage; res: ServerResponse; isDev: boolean; readCache: ReadCache; mayRead: (req: IncomingMessage) => Promise<boolean> }) {
  const answer = () => compute({ req, isDev, route: answerTrpc });
  // Readers who may not read (signed out where anonymous reading is off) get their 401 computed, never a kept answer.
  const key = readCache.isOn ? readCacheKey(req, { endpoint: TRPC_ENDPOINT, gzip: acceptsGzip(req) }) : null;
  write(req, res, key && (await mayRead(req)) ? await readCache.answer(key, answer) : await answer());
}

async function answerRoute({ req, res, isDev, route }: { req: IncomingMessage; res: ServerResponse; isDev: boolean; route: Route }) {
  write(req, res, await compute({ req, isDev, route }));
}

const acceptsGzip = (req: IncomingMessage) => /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");

/** The node request as a Fetch API Request (what the door takes); the body is streamed, not buffered here. */
export function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  if (req.method === "GET" || req.method === "HEAD") return new Request(url, { method: req.method, headers });
  return new Request(url, { method: req.method, headers, body: bodyStream(req), duplex: "half" } as RequestInit);
}

/**
 * The request body as a web stream. Cancelling it (a body over the limit) stops reading without destroying the
 * socket, so the 413 still reaches the client; the answer then closes the connection (Connection: close).
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let isDone = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (isDone) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.once("end", () => {
        if (!isDone) controller.close();
        isDone = true;
      });
      req.once("error", (error) => {
        if (!isDone) controller.error(error);
        isDone = true;
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      isDone = true;
      req.pause();
    },
  });
}

async function send({ req, res, isDev, response }: { req: IncomingMessage; res: ServerResponse; isDev: boolean; response: Response }) {
  write(req, res, await encode({ req, isDev, response }));
}

/** An answer as it goes on the wire: the door's headers, the security headers, the body gzipped when worth it. */
async function encode({ req, isDev, response }: { req: IncomingMessage; isDev: boolean; response: Response }): Promise<StoredAnswer> {
  let body: Buffer = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  for (const { key, value } of SECURITY_HEADERS) headers[key] = value;
  headers["content-security-policy"] = contentSecurityPolicy({ nonce: createNonce(), isDev });
  // Answers depend on who asks (the session cookie): never stored by a browser or a proxy.
  headers["cache-control"] ??= "private, no-store";
  headers.vary = "Accept-Encoding";
  if (body.byteLength >= GZIP_FROM_BYTES && acceptsGzip(req)) {
    body = await gzipAsync(body, { level: GZIP_LEVEL });
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = String(body.byteLength);
  return { status: response.status, headers, body };
}

/** How long the rest of a refused body is still read (and dropped) after the answer before the connection closes. */
const LINGER_MS = 5_000;

/**
 * Sends the answer. When the request's body was not read to its end (refused: too large), the answer goes out at
 * once but the connection closes only after the rest of the body has been read and dropped, or after LINGER_MS
 * ("lingering close", as Apache and nginx do): a socket closed with unread data is reset, and the reset can destroy
 * the answer before the client reads it (a client still sending saw its connection drop with no 413).
 */
function write(req: IncomingMessage, res: ServerResponse, { status, headers, body }: StoredAnswer) {
  if (req.complete) return void res.writeHead(status, headers).end(body);
  // Not kept alive: after LINGER_MS the rest of the body is abandoned, and with it the connection.
  res.writeHead(status, { ...headers, connection: "close" });
  res.write(body);
  const close = () => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(close, LINGER_MS);
  req.once("end", close).once("close", close);
  // The route is done with the body (its answer is out), but its unread stream (bodyStream) would pause the
  // request again at the first chunk: nothing reads the rest now but this.
  req.removeAllListeners("data");
  req.resume();
}
