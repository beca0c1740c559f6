// A client over a raw socket for the lingering-close checks (web-server.int.test.ts and e2e/security.spec.ts):
// the request goes out exactly as written, and the client sees what a real one would (a reset included).
import net from "node:net";

export interface MidwayOutcome {
  /** the status line read, or "" */
  answer: string;
  /** bytes of the body the client got to send */
  sent: number;
  /** a socket error (EPIPE, ECONNRESET: the server closed with the body unread) */
  error?: string;
}

/**
 * POSTs a declared 20 MB body: sends 2 MB, then nothing more until an answer comes; then the rest. A server that
 * waited for the whole body before answering leaves this client waiting (rejected after `timeoutMs`); one that
 * closed the connection with the body unread resets it under the client's writes.
 */
export function sendWhileAnswered({ baseUrl, path, headers = {}, timeoutMs = 20_000 }: { baseUrl: string; path: string; headers?: Record<string, string>; timeoutMs?: number }): Promise<MidwayOutcome> {
  const total = 20 * 1024 * 1024;
  const chunk = Buffer.alloc(256 * 1024, "x");
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let answer = "";
    let sent = 0;
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`POST ${path}: no answer within ${timeoutMs} ms after ${sent} bytes of ${total}`));
    }, timeoutMs);
    const pump = () => {
      while (sent < total) {
        sent += chunk.byteLength;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
    };
    socket.on("data", (data: Buffer) => {
      const wasAnswered = answer.length > 0;
      answer += data.toString("latin1");
      if (!wasAnswered) pump();
    });
    socket.once("error", (e) => (error = e.message));
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ answer: answer.split("\r\n")[0]!, sent, ...(error ? { error } : {}) });
    });
    const head = Object.entries({ Host: url.host, "Content-Type": "application/json", "Content-Length": String(total), ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(`POST ${path} HTTP/1.1\r\n${head.join("")}\r\n`);
    for (; sent < 2 * 1024 * 1024; sent += chunk.byteLength) socket.write(chunk);
  });
}
