import { z } from "zod";
import type { JobSender } from "../../jobs/contract";
import { getWebJobSender } from "../../jobs/web-queue";
import {
  compareRuns,
  DEFAULT_BINS,
  getBufferLifecycle,
  getHeldOutSeries,
  getInjectionLanding,
  getRunCosts,
  getRunHeader,
  getRunSeries,
  getRunStepPlan,
  getStepDistribution,
  getSynthesisOverview,
  getTrainerMetricsSeries,
  listRunEvents,
  listRunsOverview,
  MAX_COMPARED_RUNS,
} from "../../services/monitor-service";
import { MAX_COST_RUNS } from "../../services/cost-service";
import { getRunCloneConfig } from "../../services/run-clone-service";
import { deleteRun, getRunDeleteImpact } from "../../services/run-delete-service";
import { listRunTags, setRunArchived, updateRunNotes } from "../../services/run-notes-service";
import { ZRunNotesUpdate, ZRunTag } from "../../rods/run-notes";
import { changeRunStatus } from "../../services/runs-service";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../trpc";

const ZRunId = z.object({ id: z.string().min(1).max(100) });
const ZBins = z.number().int().min(5).max(100).default(DEFAULT_BINS);
const ZStatusChange = ZRunId.extend({ reason: z.string().trim().max(500).optional() });

// Only resume enqueues work: the queue connection is opened on that first use, not for pause or cancel.
const lazyJobs: JobSender = { send: async (name, payload, options) => (await getWebJobSender()).send(name, payload, options) };

/**
 * Runs: the list, one run's monitor (split so the page can poll the cheap parts every few seconds: get and series
 * and distribution while the run is live; buffer, synthesis, landing and heldOut less often), status changes and
 * the comparison of several runs.
 */
export const runsRouter = createTRPCRouter({
  list: publicProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(500).default(100), tag: ZRunTag.optional(), includeArchived: z.boolean().default(false) })
        .default({ limit: 100, includeArchived: false }),
    )
    .query(({ ctx, input }) => listRunsOverview({ db: ctx.db, limit: input.limit, tag: input.tag, includeArchived: input.includeArchived })),
  tags: publicProcedure.query(({ ctx }) => listRunTags({ db: ctx.db })),
  get: publicProcedure.input(ZRunId).query(({ ctx, input }) => getRunHeader({ db: ctx.db, runId: input.id })),
  series: publicProcedure.input(ZRunId).query(({ ctx, input }) => getRunSeries({ db: ctx.db, runId: input.id })),
  /** steps planned against done, and why the total moved */
  stepPlan: publicProcedure.input(ZRunId).query(({ ctx, input }) => getRunStepPlan({ db: ctx.db, runId: input.id })),
  distribution: publicProcedure
    .input(ZRunId.extend({ stepIndex: z.number().int().min(0).max(2 ** 31 - 1).optional(), bins: ZBins }))
    .query(({ ctx, input }) => getStepDistribution({ db: ctx.db, runId: input.id, stepIndex: input.stepIndex, bins: input.bins })),
  buffer: publicProcedure.input(ZRunId).query(({ ctx, input }) => getBufferLifecycle({ db: ctx.db, runId: input.id })),
  synthesis: publicProcedure.input(ZRunId).query(({ ctx, input }) => getSynthesisOverview({ db: ctx.db, runId: input.id })),
  landing: publicProcedure
    .input(ZRunId.extend({ bins: ZBins }))
    .query(({ ctx, input }) => getInjectionLanding({ db: ctx.db, runId: input.id, bins: input.bins })),
  heldOut: publicProcedure.input(ZRunId).query(({ ctx, input }) => getHeldOutSeries({ db: ctx.db, runId: input.id })),
  trainerMetrics: publicProcedure.input(ZRunId).query(({ ctx, input }) => getTrainerMetricsSeries({ db: ctx.db, runId: input.id })),
  compare: publicProcedure
    .input(z.object({ ids: z.array(z.string().min(1).max(100)).min(1, "Pick at least one run.").max(MAX_COMPARED_RUNS, `Compare at most ${MAX_COMPARED_RUNS} runs.`) }))
    .query(({ ctx, input }) => compareRuns({ db: ctx.db, runIds: input.ids })),
  // Only the run's owner or an admin changes its status (changeRunStatus checks `actor`).
  /** what synthesis cost beside the training rollouts, per run (monitor, compare) */
  costs: publicProcedure
    .input(z.object({ ids: z.array(z.string().min(1).max(100)).min(1, "Pick at least one run.").max(MAX_COST_RUNS, `Ask for at most ${MAX_COST_RUNS} runs.`) }))
    .query(({ ctx, input }) => getRunCosts({ db: ctx.db, runIds: input.ids })),
  pause: memberProcedure
    .input(ZStatusChange)
    .mutation(({ ctx, input }) =>
      changeRunStatus({ db: ctx.db, jobs: lazyJobs, id: input.id, action: "pause", reason: input.reason ?? `Paused by ${ctx.user.name}.`, actor: ctx.user }),
    ),
  resume: memberProcedure.input(ZRunId).mutation(({ ctx, input }) => changeRunStatus({ db: ctx.db, jobs: lazyJobs, id: input.id, action: "resume", actor: ctx.user })),
  cancel: memberProcedure
    .input(ZStatusChange)
    .mutation(({ ctx, input }) =>
      changeRunStatus({ db: ctx.db, jobs: lazyJobs, id: input.id, action: "cancel", reason: input.reason ?? `Cancelled by ${ctx.user.name}.`, actor: ctx.user }),
    ),
  /** the settings of a run, for the launch form ("run again with these settings") */
  cloneConfig: publicProcedure.input(ZRunId).query(({ ctx, input }) => getRunCloneConfig({ db: ctx.db, id: input.id })),
  events: publicProcedure.input(ZRunId).query(({ ctx, input }) => listRunEvents({ db: ctx.db, runId: input.id })),
  deleteImpact: publicProcedure.input(ZRunId).query(({ ctx, input }) => getRunDeleteImpact({ db: ctx.db, id: input.id })),
  // Only the run's owner or an admin deletes it, and only once it is no longer active (deleteRun checks both).
  delete: memberProcedure.input(ZRunId).mutation(({ ctx, input }) => deleteRun({ db: ctx.db, id: input.id, actor: ctx.user })),
  // Notes, tags and archiving: the owner or an admin (the services check).
  updateNotes: memberProcedure
    .input(ZRunId.extend(ZRunNotesUpdate.shape))
    .mutation(({ ctx, input: { id, ...update } }) => updateRunNotes({ db: ctx.db, id, update, actor: ctx.user })),
  archive: memberProcedure
    .input(ZRunId.extend({ isArchived: z.boolean() }))
    .mutation(({ ctx, input }) => setRunArchived({ db: ctx.db, id: input.id, isArchived: input.isArchived, actor: ctx.user })),
});
