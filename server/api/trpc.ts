// tRPC wiring: context (with the signed-in user), the error mapping (AppError -> tRPC code, 5xx hidden), and
// procedures: public for reading, protected (signed in) for every change, admin for user management.
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { getDb, type Db } from "../db";
import { classifyDbError } from "../db-errors";
import { isAnonymousReadAllowed } from "../env";
import { AppError } from "../errors";
import { sessionUser, type TUser } from "../services/auth-service";
import { sessionTokenOf } from "./auth-http";
import { trpcTransformer } from "./superjson-fast";

export interface Context {
  db: Db;
  headers: Headers;
  /** The signed-in user; absent or null when nobody is (tests may leave it out). */
  user?: TUser | null;
}

export async function createContext({ headers }: { headers: Headers }): Promise<Context> {
  const db = getDb();
  try {
    return { db, headers, user: await sessionUser({ db, token: sessionTokenOf(headers) }) };
  } catch (error) {
    if (classifyDbError(error) === "unavailable") throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: BUSY_MESSAGE, cause: error });
    throw error;
  }
}

const BUSY_MESSAGE = "The server is busy or its database is restarting; try again in a few seconds.";

const t = initTRPC.context<Context>().create({
  // superjson on the wire (the client's httpBatchLink decodes it); answers serialized by a faster equivalent.
  transformer: trpcTransformer,
  errorFormatter({ shape, error }) {
    const isServerError = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: isServerError ? "Something went wrong on the server; the details are in the server log." : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        zodIssues: error.cause instanceof ZodError ? error.cause.issues.map((i) => ({ path: i.path, message: i.message })) : undefined,
      },
    };
  },
});

/** Maps domain errors once: services throw AppError, callers see the matching tRPC code and the message. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    // tRPC has no 410: an expired thing is "not found" to the UI.
    throw new TRPCError({ code: cause.code === "GONE" ? "NOT_FOUND" : cause.code, message: cause.message, cause });
  }
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    // Overload is not a bug (503, the route adds Retry-After); a value Postgres refuses is the caller's (400).
    const kind = classifyDbError(result.error.cause ?? result.error);
    if (kind === "unavailable") throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: BUSY_MESSAGE, cause: result.error });
    if (kind === "bad_input") throw new TRPCError({ code: "BAD_REQUEST", message: "A value in the request cannot be stored or searched (a NUL byte, or a number out of range); fix it and retry.", cause: result.error });
  }
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") console.error("[trpc]", result.error.cause ?? result.error);
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** A safety net for the rule "nobody changes anything without signing in": no mutation runs anonymously. */
const noAnonymousMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
  return next();
});

/** NUL bytes and integers beyond Postgres' int range are refused at the edge, before any service sees them. */
const refuseUnstorableInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = unstorableValue(await getRawInput());
  if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
  return next();
});

const INT_LIMIT = 2 ** 31 - 1;

/** Why a raw input cannot be stored, or null: walks strings, keys and numbers (bounded depth). */
export function unstorableValue(value: unknown, path = "input", depth = 0): string | null {
  if (depth > 40) return `${path} is nested too deeply; send a flatter value.`;
  if (typeof value === "string") return value.includes("\u0000") ? `${path} contains a NUL byte (\\u0000); remove it.` : null;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `${path} must be a finite number.`;
    return Math.abs(value) > INT_LIMIT ? `${path} is out of range; numbers must lie between -${INT_LIMIT} and ${INT_LIMIT}.` : null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return `${path} has a key with a NUL byte; remove it.`;
      const problem = unstorableValue(v, `${path}.${k}`, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}

/** Reading without signing in is a setting (RODS_ANONYMOUS_READ), off by default when listening beyond localhost. */
const gateAnonymousReads = t.middleware(({ ctx, type, next }) => {
  if (type === "query" && !ctx.user && !isAnonymousReadAllowed()) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to see this; this server does not show its data to visitors who are not signed in." });
  }
  return next();
});

/** Open even when anonymous reading is off: who am I, the scope list (the sign-in page needs them). */
export const openProcedure = t.procedure.use(mapErrors).use(refuseUnstorableInput).use(noAnonymousMutations);

export const publicProcedure = openProcedure.use(gateAnonymousReads);

/** Every mutation goes through this (or adminProcedure): reading is open, changing needs a signed-in user. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Launch rights (create runs, test endpoints, review, change runs): members and admins; viewers only read. */
export const memberProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role === "viewer") throw new TRPCError({ code: "FORBIDDEN", message: "Viewers can read but not change anything; ask an admin for a member account." });
  return next({ ctx });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can do this; ask one to do it or to make you an admin." });
  return next({ ctx });
});
