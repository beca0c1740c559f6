// /api/v1 tasks (scope tasks:read): tasks in full, for trainers that serve their own policy. Thin doors over
// task-export-service.
import { z } from "zod";
import { getTaskInFull, listTasksInFull } from "../../services/task-export-service";
import { defineRoute } from "./define-route";

const ZTaskV1 = z
  .object({
    id: z.string(),
    externalId: z.string().meta({ description: "e.g. multi_turn_base_0 for BFCL seeds" }),
    datasetName: z.string(),
    split: z.string(),
    origin: z.string(),
    parentId: z.string().nullable().meta({ description: "the seed a synthesized task was made from (lineage); null for seeds and imports" }),
    category: z.string(),
    involvedClasses: z.array(z.string()),
    initialConfig: z.record(z.string(), z.unknown()),
    longContext: z.boolean(),
    turns: z.array(z.array(z.object({ role: z.literal("user"), content: z.string() }))).meta({ description: "user messages per turn" }),
    groundTruth: z.array(z.array(z.looseObject({}))).meta({ description: "ground-truth calls per turn" }),
    missedFunctions: z.record(z.string(), z.array(z.string())).meta({ description: "turn index → functions held back until that turn" }),
    dependencyDepth: z.int().nullable().optional(),
  })
  .meta({ id: "Task" });

export const taskRoutes = [
  defineRoute({
    method: "GET",
    path: "/tasks",
    operationId: "listTasks",
    tag: "tasks",
    summary: "List tasks in full, by id, a page at a time",
    scope: "tasks:read",
    query: z.strictObject({
      dataset: z.string().min(1).max(200).optional(),
      split: z.enum(["train", "test"]).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(100),
      cursor: z.string().max(100).optional().meta({ description: "nextCursor of the previous page" }),
    }),
    response: z.object({ tasks: z.array(ZTaskV1), nextCursor: z.string().nullable() }),
    errors: [404],
    handle: ({ db, query }) => listTasksInFull({ db, datasetName: query.dataset, split: query.split, limit: query.limit, cursor: query.cursor }) as never,
  }),
  defineRoute({
    method: "GET",
    path: "/tasks/{id}",
    operationId: "getTask",
    tag: "tasks",
    summary: "One task in full (id, or a BFCL id such as multi_turn_base_0)",
    scope: "tasks:read",
    params: z.strictObject({ id: z.string().min(1).max(200) }),
    response: ZTaskV1,
    errors: [404],
    handle: ({ db, params }) => getTaskInFull({ db, taskId: params.id }) as never,
  }),
];
