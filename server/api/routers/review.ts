import { z } from "zod";
import { MAX_BULK, MAX_TURN_TEXT, approveTask, bulkApprove, editTask, listReviewQueue, listReviews, rejectTask, reviewCounts } from "../../services/review-service";
import type { JobSender } from "../../jobs/contract";
import { getWebJobSender } from "../../jobs/web-queue";
import { getReviewGate } from "../../services/monitor-service";
import { continueWithoutReview } from "../../services/review-gate";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../trpc";

const lazyJobs: JobSender = { send: async (name, payload, options) => (await getWebJobSender()).send(name, payload, options) };

const ZId = z.string().min(1).max(100);
const ZCategory = z.string().min(1).max(100);
const ZRunFilter = z.object({ runId: ZId.optional(), category: ZCategory.optional() }).default({});

export const reviewRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ runId: ZId.optional(), category: ZCategory.optional(), limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => listReviewQueue({ db: ctx.db, ...input, canSeeEmails: Boolean(ctx.user) })),
  counts: publicProcedure.input(ZRunFilter).query(({ ctx, input }) => reviewCounts({ db: ctx.db, runId: input.runId, category: input.category })),
  gate: publicProcedure.input(z.object({ runId: ZId })).query(({ ctx, input }) => getReviewGate({ db: ctx.db, runId: input.runId })),
  continueWithout: memberProcedure.input(z.object({ runId: ZId })).mutation(({ ctx, input }) => continueWithoutReview({ db: ctx.db, jobs: lazyJobs, runId: input.runId })),
  history: publicProcedure.input(z.object({ taskId: ZId })).query(({ ctx, input }) => listReviews({ db: ctx.db, taskId: input.taskId, canSeeEmails: Boolean(ctx.user) })),
  approve: memberProcedure.input(z.object({ taskId: ZId })).mutation(({ ctx, input }) => approveTask({ db: ctx.db, taskId: input.taskId, userId: ctx.user.id })),
  reject: memberProcedure
    .input(z.object({ taskId: ZId, reason: z.string().trim().min(1, "Give a reason for rejecting the task.").max(1_000) }))
    .mutation(({ ctx, input }) => rejectTask({ db: ctx.db, taskId: input.taskId, userId: ctx.user.id, reason: input.reason })),
  bulkApprove: memberProcedure
    .input(z.object({ taskIds: z.array(ZId).min(1, "Select at least one task.").max(MAX_BULK) }))
    .mutation(({ ctx, input }) => bulkApprove({ db: ctx.db, taskIds: input.taskIds, userId: ctx.user.id })),
  edit: memberProcedure
    .input(z.object({ taskId: ZId, texts: z.array(z.string().max(MAX_TURN_TEXT, `Keep each turn under ${MAX_TURN_TEXT} characters.`)).min(1).max(100) }))
    .mutation(({ ctx, input }) => editTask({ db: ctx.db, taskId: input.taskId, userId: ctx.user.id, texts: input.texts })),
});
