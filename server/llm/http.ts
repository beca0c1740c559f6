// The lean transport under server/llm/client.ts: one JSON request over keep-alive node:http(s), no SDK, no fetch or
// web streams (about 3.5× less CPU per request, which is what a worker driving a fast inference server spends).
// It only moves bytes and reports what happened; client.ts classifies, times out and retries. Imported only there.
import http from "node:http";
import https from "node:https";

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** the body as text (servers may send garbage; the caller decides) */
  text: string;
}

/** A failure below HTTP (refused, reset, DNS, TLS): the socket error with its code, e.g. ECONNREFUSED. */
export class TransportError extends Error {
  readonly code?: string;
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = "TransportError";
    this.code = code;
  }
}

/** The signal fired before the reply was complete; client.ts knows whether that was its timer or the caller. */
export class TransportAbortError extends Error {
  constructor() {
    super("request aborted");
    this.name = "TransportAbortError";
  }
}

export interface JsonTransport {
  /** `json`: the request body, already serialised (the caller builds it once for all attempts) */
  request(options: { method: "GET" | "POST"; path: string; json?: string; signal: AbortSignal }): Promise<HttpReply>;
  close(): void;
}

/** Keep-alive transport for one base URL (e.g. http://127.0.0.1:8000/v1); paths are appended to its path. */
export function createJsonTransport({ baseUrl, headers }: { baseUrl: string; headers: Record<string, string> }): JsonTransport {
  const base = new URL(baseUrl);
  const isHttps = base.protocol === "https:";
  const basePath = base.pathname.replace(/\/+$/, "");
  // Sockets stay open between requests; no cap on sockets: the policy's semaphore is the one concurrency limit.
  const agent = isHttps ? new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, scheduling: "lifo" }) : new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, scheduling: "lifo" });
  const send = isHttps ? https.request : http.request;

  function once(method: string, path: string, payload: Buffer | undefined, signal: AbortSignal): Promise<HttpReply & { isReusedSocketReset?: boolean }> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new TransportAbortError());
      let isSettled = false;
      const settle = (fn: () => void) => {
        if (isSettled) return;
        isSettled = true;
        signal.removeEventListener("abort", onAbort);
        fn();
      };
      const req = send({
        protocol: base.protocol,
        hostname: base.hostname.replace(/^\[|\]$/g, ""),
        port: base.port || (isHttps ? 443 : 80),
        method,
        path: basePath + path,
        agent,
        headers: {
          ...headers,
          accept: "application/json",
          ...(payload ? { "content-type": "application/json", "content-length": String(payload.length) } : {}),
        },
      });
      let hasResponse = false;
      const onAbort = () => {
        req.destroy();
        settle(() => reject(new TransportAbortError()));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("response", (res) => {
        hasResponse = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") })));
        res.on("error", (e) => settle(() => reject(new TransportError(`connection broke while reading the response: ${e.message}`, (e as NodeJS.ErrnoException).code, e))));
        res.on("aborted", () => settle(() => reject(new TransportError("connection broke while reading the response", "ECONNRESET", undefined))));
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle: safe to send again, nothing reached the server's handler.
        const isStale = req.reusedSocket && !hasResponse && (e.code === "ECONNRESET" || e.code === "EPIPE");
        settle(() => (isStale ? resolve({ status: 0, headers: {}, text: "", isReusedSocketReset: true }) : reject(new TransportError(e.message, e.code, e))));
      });
      req.end(payload);
    });
  }

  return {
    async request({ method, path, json, signal }) {
      const payload = json === undefined ? undefined : Buffer.from(json, "utf8");
      const first = await once(method, path, payload, signal);
      if (!first.isReusedSocketReset) return first;
      const second = await once(method, path, payload, signal);
      if (second.isReusedSocketReset) throw new TransportError("connection reset by the server", "ECONNRESET", undefined);
      return second;
    },
    close: () => agent.destroy(),
  };
}
