// /api/v1 runs: create, list, get, pause, resume, cancel. Thin doors over runs-service (the same services and the
// same validated run config as the UI's tRPC routers).
import { z } from "zod";
import { getWebJobSender } from "../../jobs/web-queue";
import { ZRunConfig } from "../../rods/config";
import { ZRunNotesUpdate, ZRunTag } from "../../rods/run-notes";
import { deleteRun } from "../../services/run-delete-service";
import { setRunArchived, updateRunNotes } from "../../services/run-notes-service";
import { changeRunStatus, createRun, getRun, listRuns } from "../../services/runs-service";
import type { JobSender } from "../../jobs/contract";
import { defineRoute } from "./define-route";

// Only resume enqueues work: the queue connection is opened on that first use, not for pause or cancel.
const lazyJobs: JobSender = { send: async (name, payload, options) => (await getWebJobSender()).send(name, payload, options) };

export const ZRunId = z.strictObject({ id: z.string().min(1).max(100).meta({ description: "run id" }) });

const ZTimestamp = z.iso.datetime();

export const ZRunV1 = z
  .object({
    id: z.string(),
    name: z.string(),
    mode: z.string(),
    status: z.enum(["queued", "running", "paused", "completed", "failed", "cancelled"]),
    statusReason: z.string().nullable().meta({ description: "why the run is paused, cancelled or waiting" }),
    error: z.string().nullable(),
    datasetName: z.string(),
    config: ZRunConfig,
    currentEpoch: z.int(),
    currentStep: z.int().meta({ description: "index of the next step to finish (steps 0 … currentStep−1 are done)" }),
    totalSteps: z.int().nullable(),
    policyVersion: z.int().meta({ description: "the policy version the next rollouts use" }),
    createdAt: ZTimestamp,
    startedAt: ZTimestamp.nullable(),
    finishedAt: ZTimestamp.nullable(),
    trainerWaitingSince: ZTimestamp.nullable().meta({ description: "external trainer: since when the run waits for an acknowledgement" }),
    notes: z.string(),
    tags: z.array(z.string()),
    archivedAt: ZTimestamp.nullable().meta({ description: "archived runs are left out of the list unless includeArchived=true" }),
  })
  .meta({ id: "Run" });
export type TRunV1 = z.input<typeof ZRunV1>;

type RunRow = Awaited<ReturnType<typeof getRun>>;

/** The wire shape of a run (dates as ISO strings, the dataset by name). */
export function toRunV1(run: RunRow): TRunV1 {
  const { dataset, createdAt, startedAt, finishedAt, trainerWaitingSince, archivedAt, createdById: _owner, ...rest } = run;
  return {
    ...rest,
    status: rest.status as TRunV1["status"],
    datasetName: dataset.name,
    createdAt: createdAt.toISOString(),
    startedAt: startedAt?.toISOString() ?? null,
    finishedAt: finishedAt?.toISOString() ?? null,
    trainerWaitingSince: trainerWaitingSince?.toISOString() ?? null,
    archivedAt: archivedAt?.toISOString() ?? null,
  };
}

const ZReason = z.strictObject({ reason: z.string().trim().max(500).optional().meta({ description: "shown on the run" }) });

export const runRoutes = [
  defineRoute({
    method: "POST",
    path: "/runs",
    operationId: "createRun",
    tag: "runs",
    summary: "Create and start a run",
    description: "Takes the same run settings as the launch form (every field optional, paper defaults). Answers the run.",
    scope: "runs:write",
    body: z.strictObject({ name: z.string().trim().max(200).optional(), config: ZRunConfig }),
    response: ZRunV1,
    status: 201,
    errors: [412],
    handle: async ({ db, user, body }) => {
      const jobs = await getWebJobSender(); // before creating, so a run is never left without its first job
      return toRunV1(await createRun({ db, jobs, name: body.name, config: body.config, createdById: user?.id, quotaUser: user ?? undefined }));
    },
  }),
  defineRoute({
    method: "GET",
    path: "/runs",
    operationId: "listRuns",
    tag: "runs",
    summary: "List runs, newest first",
    scope: "runs:read",
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      tag: ZRunTag.optional().meta({ description: "only runs with this tag" }),
      includeArchived: z.enum(["true", "false"]).default("false").meta({ description: "also archived runs" }),
    }),
    response: z.object({ runs: z.array(ZRunV1) }),
    handle: async ({ db, query }) => ({
      runs: (await listRuns({ db, limit: query.limit, tag: query.tag, includeArchived: query.includeArchived === "true" })).map(toRunV1),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/runs/{id}",
    operationId: "getRun",
    tag: "runs",
    summary: "Get one run (status, current step, policy version)",
    scope: "runs:read",
    params: ZRunId,
    response: ZRunV1,
    errors: [404],
    handle: async ({ db, params }) => toRunV1(await getRun({ db, id: params.id })),
  }),
  ...(["pause", "resume", "cancel"] as const).map((action) =>
    defineRoute({
      method: "POST",
      path: `/runs/{id}/${action}`,
      operationId: `${action}Run`,
      tag: "runs",
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a run`,
      description: action === "resume" ? "Only a paused run can be resumed." : "409 when the run is in a state that does not allow it.",
      scope: "runs:write",
      params: ZRunId,
      body: action === "resume" ? z.strictObject({}) : ZReason,
      response: ZRunV1,
      errors: [404, 409],
      handle: async ({ db, user, params, body }) => {
        const reason = "reason" in body && body.reason ? body.reason : action === "resume" ? undefined : `${action === "pause" ? "Paused" : "Cancelled"} by ${user?.name ?? "an API client"}.`;
        return toRunV1(await changeRunStatus({ db, jobs: lazyJobs, id: params.id, action, reason, actor: user ?? undefined }));
      },
    }),
  ),
  defineRoute({
    method: "DELETE",
    path: "/runs/{id}",
    operationId: "deleteRun",
    tag: "runs",
    summary: "Delete a run with its steps, rollouts, pool and evaluations",
    description: "Only a completed, failed or cancelled run (409 otherwise: cancel it first), by its owner or an admin. Synthesized tasks stay in the dataset. Answers what was deleted.",
    scope: "runs:write",
    params: ZRunId,
    response: z.object({
      id: z.string(),
      name: z.string(),
      deletes: z.object({ steps: z.int(), rollouts: z.int(), poolEntries: z.int(), evaluations: z.int(), synthesisAttempts: z.int() }),
      keeps: z.object({ synthesizedTasks: z.int().meta({ description: "tasks this run synthesized, kept in the dataset" }) }),
    }),
    errors: [404, 409],
    handle: async ({ db, user, params }) => {
      const { id, name, deletes, keeps } = await deleteRun({ db, id: params.id, actor: user ?? undefined });
      return { id, name, deletes, keeps };
    },
  }),
  defineRoute({
    method: "PATCH",
    path: "/runs/{id}",
    operationId: "updateRun",
    tag: "runs",
    summary: "Edit a run's notes and tags, archive or unarchive it",
    description: `Owner or admin. tags replace the run's tags (at most 20, each letters, digits and - _ . : /). archived: true hides the run from the list (not while it is active: 409).`,
    scope: "runs:write",
    params: ZRunId,
    body: ZRunNotesUpdate.extend({ archived: z.boolean().optional() }),
    response: ZRunV1,
    errors: [404, 409],
    handle: async ({ db, user, params, body }) => {
      const { archived, ...update } = body;
      if (update.notes !== undefined || update.tags !== undefined) await updateRunNotes({ db, id: params.id, update, actor: user ?? undefined });
      if (archived !== undefined) await setRunArchived({ db, id: params.id, isArchived: archived, actor: user ?? undefined });
      return toRunV1(await getRun({ db, id: params.id }));
    },
  }),
];
