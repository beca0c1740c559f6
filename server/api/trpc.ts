// tRPC wiring: context (with the signed-in user), the error mapping (AppError -> tRPC code, 5xx hidden), and
// procedures: public for reading, protected (signed in) for every change, admin for user management.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { getDb, type Db } from "../db";
import { AppError } from "../errors";
import { sessionUser, type TUser } from "../services/auth-service";
import { sessionTokenOf } from "./auth-http";

export interface Context {
  db: Db;
  headers: Headers;
  /** The signed-in user; absent or null when nobody is (tests may leave it out). */
  user?: TUser | null;
}

export async function createContext({ headers }: { headers: Headers }): Promise<Context> {
  const db = getDb();
  return { db, headers, user: await sessionUser({ db, token: sessionTokenOf(headers) }) };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
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

export const publicProcedure = t.procedure.use(mapErrors).use(noAnonymousMutations);

/** Every mutation goes through this (or adminProcedure): reading is open, changing needs a signed-in user. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can do this; ask one to do it or to make you an admin." });
  return next({ ctx });
});
