// Request bodies at the HTTP edge, read with a byte limit before anything parses them: a 20 MB body is refused after
// the first MB instead of being buffered and parsed (it froze the server before). /api/v1, tRPC and sign-in read
// bodies only here. No Prisma, no services: only the Fetch API's Request.
import { parseEnv } from "../env";
import { AppError } from "../errors";

/** RODS_BODY_LIMIT_BYTES (1 MB unless an admin changes it). */
export const DEFAULT_BODY_LIMIT_BYTES = parseEnv().RODS_BODY_LIMIT_BYTES;

/** "1 MB", "64 KB", "512 bytes": how a limit is named in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

function tooLarge(limitBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than the limit of ${formatBytes(limitBytes)} for this route; send less data per request.`, {
    limitBytes,
  });
}

/**
 * The raw body, at most `limitBytes` bytes. The stream is read chunk by chunk and cancelled as soon as it passes
 * the limit (a lying or missing Content-Length does not help a sender); a declared length over the limit is refused
 * before reading anything.
 */
export async function readBodyBytes(req: Request, { limitBytes = DEFAULT_BODY_LIMIT_BYTES }: { limitBytes?: number } = {}): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limitBytes) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge(limitBytes);
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
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
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

/**
 * The body parsed as JSON, or `undefined` when it is empty. Refuses (400) a body that is not JSON or is sent
 * with another content type, and (413) one over `limitBytes`.
 */
export async function readJsonBody(req: Request, options: { limitBytes?: number } = {}): Promise<unknown> {
  const contentType = req.headers.get("content-type");
  const text = await readBodyText(req, options);
  if (text.trim() === "") return undefined;
  if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new AppError("BAD_REQUEST", `Send the body as JSON with "Content-Type: application/json" (got "${contentType.slice(0, 100)}").`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError("BAD_REQUEST", `The request body is not valid JSON (${reason.slice(0, 200)}); send a JSON object.`);
  }
}

/** An application/x-www-form-urlencoded body as fields (multipart is not accepted where this is used). */
export async function readFormBody(req: Request, options: { limitBytes?: number } = {}): Promise<URLSearchParams> {
  return new URLSearchParams(await readBodyText(req, options));
}

/** JSON error answer for the readers' errors: 413 with the limit, 400 for the rest; null when it is neither. */
export function bodyErrorResponse(error: unknown): Response | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === "PAYLOAD_TOO_LARGE") {
    return Response.json({ error: { code: error.code, message: error.message, details: error.details } }, { status: 413, headers: { Connection: "close" } });
  }
  if (error.code === "BAD_REQUEST") return Response.json({ error: { code: error.code, message: error.message } }, { status: 400 });
  return null;
}
