// Sorts database failures for the edge: overload or an unreachable database is "unavailable" (503 + Retry-After),
// values Postgres refuses (NUL bytes, out-of-range numbers, malformed text) are the caller's "bad_input" (400).
export type DbErrorKind = "unavailable" | "bad_input";

const UNAVAILABLE = /timeout exceeded when trying to connect|too many clients|remaining connection slots|connection terminated|ECONNREFUSED|ECONNRESET|the database system is (starting up|shutting down)|terminating connection|Can't reach database server|\bP1001\b|\bP1017\b|\bP2024\b|Timed out fetching a new connection/i;
// 22xxx: data exceptions (22P05 untranslatable character, 22021 bad byte sequence, 22003 numeric out of range, 22P02 bad text)
const BAD_INPUT_CODES = new Set(["22P05", "22021", "22003", "22P02", "22001", "54000"]);

/** The kind of a database error anywhere in `error`'s cause chain, or null when it is none of ours to classify. */
export function classifyDbError(error: unknown): DbErrorKind | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    const e = current as { message?: unknown; code?: unknown; cause?: unknown; originalCode?: unknown };
    const code = typeof e.originalCode === "string" ? e.originalCode : typeof e.code === "string" ? e.code : undefined;
    if (code && BAD_INPUT_CODES.has(code)) return "bad_input";
    if (typeof e.message === "string") {
      if (UNAVAILABLE.test(e.message)) return "unavailable";
      if (/invalid byte sequence|out of range for type|unsupported Unicode escape sequence|\\u0000 cannot be converted/i.test(e.message)) return "bad_input";
    }
    if (code && UNAVAILABLE.test(code)) return "unavailable";
    current = e.cause;
  }
  return null;
}

/** Seconds a client should wait before retrying when the database is overloaded or restarting. */
export const RETRY_AFTER_SECONDS = 2;
