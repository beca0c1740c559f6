import { z } from "zod";
import type { JobSender } from "../../jobs/contract";
import { getWebJobSender } from "../../jobs/web-queue";
import { createStudy, getStudy, listStudies } from "../../services/study-service";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../trpc";

const lazyJobs: JobSender = { send: async (name, payload, options) => (await getWebJobSender()).send(name, payload, options) };

/** Studies: modes × seeds at an equal budget (study-service validates the grid and the settings). */
export const studiesRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listStudies({ db: ctx.db })),
  get: publicProcedure.input(z.object({ id: z.string().min(1).max(100) })).query(({ ctx, input }) => getStudy({ db: ctx.db, id: input.id })),
  create: memberProcedure
    .input(z.object({ name: z.string().max(200).optional(), modes: z.array(z.string().max(40)).max(20), seeds: z.number().int(), config: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => createStudy({ db: ctx.db, jobs: lazyJobs, input, createdById: ctx.user.id, quotaUser: ctx.user })),
});
