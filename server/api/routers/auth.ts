import { z } from "zod";
import { API_SCOPES, API_SCOPE_NAMES, ZApiKeyName, ZApiScope, createApiKey, listApiKeys, revokeApiKey } from "../../services/auth-service";
import { TRPCError } from "@trpc/server";
import { createTRPCRouter, openProcedure, protectedProcedure } from "../trpc";

export const authRouter = createTRPCRouter({
  /** The signed-in user, or null: public so the header can show "Sign in" to anonymous viewers. */
  me: openProcedure.query(({ ctx }) => ctx.user ?? null),
  scopes: openProcedure.query(() => API_SCOPE_NAMES.map((name) => ({ name, description: API_SCOPES[name] }))),
  apiKeys: createTRPCRouter({
    list: protectedProcedure.query(({ ctx }) => listApiKeys({ db: ctx.db, userId: ctx.user.id })),
    create: protectedProcedure
      .input(
        z.object({
          name: ZApiKeyName,
          scopes: z.array(ZApiScope).min(1, "Pick at least one scope.").max(10),
          expiresInDays: z.number().int().min(1, "A key lives at least 1 day.").max(3650, "A key lives at most 3650 days.").nullable().optional(),
        }),
      )
      .mutation(async ({ ctx, input }) => {
        // A key never carries more than its owner may do.
        if (ctx.user.role === "viewer" && input.scopes.some((s) => !s.endsWith(":read"))) {
          throw new TRPCError({ code: "FORBIDDEN", message: "Viewers can create read-only keys only; pick runs:read or tasks:read." });
        }
        const { key, id, prefix } = await createApiKey({ db: ctx.db, userId: ctx.user.id, ...input });
        return { key, id, prefix };
      }),
    revoke: protectedProcedure
      .input(z.object({ id: z.string().min(1).max(100) }))
      .mutation(({ ctx, input }) => revokeApiKey({ db: ctx.db, userId: ctx.user.id, id: input.id })),
  }),
});
