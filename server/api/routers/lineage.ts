import { z } from "zod";
import { getLineage, getSeedComparison } from "../../services/lineage-service";
import { getRollout, getTaskRewardHistory, listTaskRollouts } from "../../services/trajectory-service";
import { createTRPCRouter, publicProcedure } from "../trpc";

const ZTaskId = z.object({ taskId: z.string().min(1).max(100) });

/** A task's lineage and its life in runs (read only). */
export const lineageRouter = createTRPCRouter({
  get: publicProcedure.input(ZTaskId).query(({ ctx, input }) => getLineage({ db: ctx.db, taskId: input.taskId })),
  seedComparison: publicProcedure.input(ZTaskId).query(({ ctx, input }) => getSeedComparison({ db: ctx.db, taskId: input.taskId })),
  rewardHistory: publicProcedure.input(ZTaskId).query(({ ctx, input }) => getTaskRewardHistory({ db: ctx.db, taskId: input.taskId })),
  rollouts: publicProcedure.input(ZTaskId).query(({ ctx, input }) => listTaskRollouts({ db: ctx.db, taskId: input.taskId })),
  rollout: publicProcedure
    .input(ZTaskId.extend({ runId: z.string().min(1).max(100), stepIndex: z.number().int().min(0).max(2 ** 31 - 1), sample: z.number().int().min(0).max(2 ** 31 - 1) }))
    .query(({ ctx, input }) => getRollout({ db: ctx.db, ...input })),
});
