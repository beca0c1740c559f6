import { z } from "zod";
import { API_SCOPES, API_SCOPE_NAMES, ZApiKeyName, ZApiScope, createApiKey, listApiKeys, revokeApiKey } from "../../services/auth-service";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

export const authRouter = createTRPCRouter({
  /** The signed-in user, or null: public so the header can show "Sign in" to anonymous viewers. */
  me: publicProcedure.query(({ ctx }) => ctx.user ?? null),
  scopes: publicProcedure.query(() => API_SCOPE_NAMES.map((name) => ({ name, description: API_SCOPES[name] }))),
  apiKeys: createTRPCRouter({
    list: protectedProcedure.query(({ ctx }) => listApiKeys({ db: ctx.db, userId: ctx.user.id })),
    create: protectedProcedure
      .input(z.object({ name: ZApiKeyName, scopes: z.array(ZApiScope).min(1, "Pick at least one scope.").max(10) }))
      .mutation(async ({ ctx, input }) => {
        const { key, id, prefix } = await createApiKey({ db: ctx.db, userId: ctx.user.id, ...input });
        return { key, id, prefix };
      }),
    revoke: protectedProcedure
      .input(z.object({ id: z.string().min(1).max(100) }))
      .mutation(({ ctx, input }) => revokeApiKey({ db: ctx.db, userId: ctx.user.id, id: input.id })),
  }),
});
