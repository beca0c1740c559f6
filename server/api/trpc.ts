// tRPC wiring: context, the error mapping (AppError -> tRPC code, 5xx hidden), and procedures.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { getDb } from "../db";
import { AppError } from "../errors";

export async function createContext({ headers }: { headers: Headers }) {
  return { db: getDb(), headers };
}
export type Context = Awaited<ReturnType<typeof createContext>>;

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
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") console.error("[trpc]", result.error.cause ?? result.error);
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);
