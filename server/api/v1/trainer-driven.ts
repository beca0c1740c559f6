// /api/v1 for trainer-driven runs (rollouts: "trainer"): claim the next work, submit a rollout's calls to be
// replayed and scored. Thin doors over trainer-run-service.
import { z } from "zod";
import { claimWork, submitRollout } from "../../services/trainer-run-service";
import { defineRoute, NO_CONTENT } from "./define-route";
import { ZCallV1, ZTaskRef, ZTurnVerdict } from "./env-sessions";
import { ZRunId } from "./runs";

const ZWork = z
  .object({
    kind: z.enum(["train", "eval"]).meta({ description: "train: a training step (K samples per task); eval: held-out evaluation (one sample, scored like BFCL)" }),
    step: z.int(),
    epoch: z.int(),
    k: z.int().meta({ description: "samples wanted per task: 0 … k−1" }),
    tasks: z.array(
      z.object({
        taskId: z.string(),
        externalId: z.string(),
        category: z.string(),
        turns: z.int(),
        submitted: z.array(z.int()).meta({ description: "samples of this task already stored (a restarted trainer skips them)" }),
      }),
    ),
  })
  .meta({ id: "TrainerWork" });

export const trainerDrivenRoutes = [
  defineRoute({
    method: "POST",
    path: "/runs/{id}/batches/claim",
    operationId: "claimWork",
    tag: "trainer-driven",
    summary: "Claim the next work of a trainer-driven run",
    description:
      "Held-out evaluation due before a step comes first. Claiming again before the work is done answers the same work. 204: nothing ready yet (ask again shortly); 409: the run has ended or is not trainer-driven.",
    scope: "trainer",
    params: ZRunId,
    response: ZWork,
    noContent: "no work is ready yet; claim again in a moment",
    errors: [404, 409],
    handle: async ({ db, params }) => (await claimWork({ db, runId: params.id })) ?? NO_CONTENT,
  }),
  defineRoute({
    method: "POST",
    path: "/runs/{id}/rollouts",
    operationId: "submitRollout",
    tag: "trainer-driven",
    summary: "Submit a rollout's calls; RODS replays and scores them",
    description:
      "turns[t] are the calls made in user turn t, in order. The answer carries the reward for the trainer's advantages. The same (step, taskId, sample) again answers the stored score (duplicate: true) and writes nothing; a task outside the claimed step is refused with 409.",
    scope: "trainer",
    params: ZRunId,
    body: z.strictObject({
      step: z.int().min(0),
      taskId: ZTaskRef,
      sample: z.int().min(0).max(1023),
      turns: z.array(z.array(ZCallV1).max(400)).max(100),
    }),
    response: z
      .object({ reward: z.number(), success: z.boolean(), turns: z.array(ZTurnVerdict), duplicate: z.boolean() })
      .meta({ id: "ScoredRollout" }),
    errors: [404, 409, 413],
    handle: async ({ db, params, body }) => submitRollout({ db, runId: params.id, stepIndex: body.step, taskId: body.taskId, sample: body.sample, turns: body.turns }),
  }),
];
