// Request bodies read with a byte limit before any parsing: a 20 MB body is refused after the first MB instead of
// being buffered and parsed (it froze the server before). Route handlers and the tRPC door read bodies only here.
import { parseEnv } from "../env";
import { AppError } from "../errors";

/** 413 with the limit in the message; thrown by the readers below, answered by `bodyErrorResponse`. */
export class PayloadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${formatBytes(limitBytes)}; send less data per request.`);
    this.name = "PayloadTooLargeError";
  }
}

const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);

/** RODS_BODY_LIMIT_BYTES (about 1 MB unless an admin changes it). */
export const defaultBodyLimit = () => parseEnv().RODS_BODY_LIMIT_BYTES;

/** The raw body, at most `limitBytes`: refused from Content-Length alone when it says more, else while streaming. */
export async function readBodyBytes(req: Request, { limitBytes = defaultBodyLimit() }: { limitBytes?: number } = {}): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limitBytes) {
    await req.body?.cancel().catch(() => {});
    throw new PayloadTooLargeError(limitBytes);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** The body as UTF-8 text (invalid UTF-8 is a 400, not silently replaced). */
export async function readBodyText(req: Request, options: { limitBytes?: number } = {}): Promise<string> {
  const bytes = await readBodyBytes(req, options);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid UTF-8; send UTF-8 text.");
  }
}

/** The body parsed as JSON (empty body = undefined); 413 past the limit, 400 when it is not JSON. */
export async function readJsonBody(req: Request, options: { limitBytes?: number } = {}): Promise<unknown> {
  const text = await readBodyText(req, options);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON; send a JSON document.");
  }
}

/** An application/x-www-form-urlencoded body as fields (multipart is not accepted where this is used). */
export async function readFormBody(req: Request, options: { limitBytes?: number } = {}): Promise<URLSearchParams> {
  return new URLSearchParams(await readBodyText(req, options));
}

/** JSON error answer for the readers' errors: 413 with the limit, 400 for the rest; null when it is neither. */
export function bodyErrorResponse(error: unknown): Response | null {
  if (error instanceof PayloadTooLargeError) {
    return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: error.message, limitBytes: error.limitBytes } }, { status: 413, headers: { Connection: "close" } });
  }
  if (error instanceof AppError && error.code === "BAD_REQUEST") return Response.json({ error: { code: error.code, message: error.message } }, { status: 400 });
  return null;
}
