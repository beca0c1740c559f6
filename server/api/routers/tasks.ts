import { z } from "zod";
import { countTasks, getTask, listTasks } from "../../services/tasks-service";
import { latestImportRun } from "../../services/import-service";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const ZTaskFilter = z.object({
  datasetName: z.string().max(200).optional(),
  category: z.string().max(100).optional(),
  split: z.enum(["train", "test", "none"]).optional(),
  apiClass: z.string().max(100).optional(),
  origin: z.enum(["seed", "synthesized", "imported"]).optional(),
  search: z.string().max(200).optional(),
});

export const tasksRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ filter: ZTaskFilter.default({}), page: z.number().int().min(1).max(1_000_000).default(1), pageSize: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => listTasks({ db: ctx.db, ...input })),
  counts: publicProcedure
    .input(z.object({ datasetName: z.string().max(200).optional() }).default({}))
    .query(({ ctx, input }) => countTasks({ db: ctx.db, datasetName: input.datasetName })),
  get: publicProcedure.input(z.object({ id: z.string().min(1).max(100) })).query(({ ctx, input }) => getTask({ db: ctx.db, id: input.id })),
  importStatus: publicProcedure.query(({ ctx }) => latestImportRun({ db: ctx.db })),
});
