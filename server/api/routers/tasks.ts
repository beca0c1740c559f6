import { z } from "zod";
import { SEARCH_MAX, TASK_SORTS, countTasks, getTask, listTasks } from "../../services/tasks-service";
import { latestImportRun } from "../../services/import-service";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const ZTaskFilter = z.object({
  datasetName: z.string().max(200).optional(),
  category: z.string().max(100).optional(),
  split: z.enum(["train", "test", "none"]).optional(),
  apiClass: z.string().max(100).optional(),
  origin: z.enum(["seed", "synthesized", "imported"]).optional(),
  search: z
    .string()
    .max(SEARCH_MAX, `Search text is limited to ${SEARCH_MAX} characters.`)
    .refine((v) => !v.includes("\u0000"), "Search text must not contain a NUL character.")
    .optional(),
});

export const tasksRouter = createTRPCRouter({
  list: publicProcedure
    .input(
      z.object({
        filter: ZTaskFilter.default({}),
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
        runId: z.string().min(1).max(100).optional(),
        sort: z.enum(TASK_SORTS).default("natural"),
        dir: z.enum(["asc", "desc"]).default("asc"),
      }),
    )
    .query(({ ctx, input }) => listTasks({ db: ctx.db, ...input })),
  counts: publicProcedure
    .input(z.object({ datasetName: z.string().max(200).optional() }).default({}))
    .query(({ ctx, input }) => countTasks({ db: ctx.db, datasetName: input.datasetName })),
  get: publicProcedure.input(z.object({ id: z.string().min(1).max(100) })).query(({ ctx, input }) => getTask({ db: ctx.db, id: input.id })),
  importStatus: publicProcedure.query(({ ctx }) => latestImportRun({ db: ctx.db })),
});
