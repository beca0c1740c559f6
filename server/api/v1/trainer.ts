// /api/v1 trainer routes (scope "trainer"): long-poll the oldest unacknowledged batch of a run, acknowledge it.
// Thin doors over trainer-service.
import { z } from "zod";
import { getWebJobSender } from "../../jobs/web-queue";
import { MAX_WAIT_SECONDS, ackBatch, nextBatch } from "../../services/trainer-service";
import { NO_CONTENT, defineRoute } from "./define-route";
import { ZRunId } from "./runs";

const ZChatMessage = z.looseObject({ role: z.enum(["system", "user", "assistant", "tool"]) }).meta({ id: "ChatMessage", description: "an OpenAI chat message" });

export const ZBatch = z
  .object({
    runId: z.string(),
    step: z.int(),
    epoch: z.int(),
    policyVersion: z.int().meta({ description: "the run's policy version when the step was scored" }),
    publishedAt: z.iso.datetime(),
    groups: z.array(
      z.object({
        taskId: z.string(),
        category: z.string(),
        origin: z.string().meta({ description: "seed, synthesized or imported" }),
        tools: z.array(z.looseObject({ type: z.literal("function") })).meta({ description: "the OpenAI tool schemas the policy was offered" }),
        rollouts: z.array(
          z.object({
            sample: z.int(),
            policyVersion: z.int().meta({ description: "the policy version that produced this rollout" }),
            messages: z.array(ZChatMessage),
            reward: z.number().nullable().meta({ description: "training reward (progress reward, or success in binary_reward mode); null for infrastructure failures" }),
            advantage: z.number().nullable().meta({ description: "(reward − group mean) / (group std + 1e-6) over the group's scored rollouts; null for infrastructure failures" }),
            success: z.boolean().nullable(),
            infraError: z.string().nullable().meta({ description: "set when the rollout failed for infrastructure reasons: do not train on it" }),
            tokens: z
              .array(
                z.object({
                  messageIndex: z.int().meta({ description: "index in `messages` of the assistant message this completion produced" }),
                  tokens: z.array(z.string()).optional(),
                  logprobs: z.array(z.number()).optional().meta({ description: "log-probability of each sampled token under the policy that sampled it" }),
                  tokenIds: z.array(z.int()).optional(),
                  promptTokenIds: z.array(z.int()).optional(),
                }),
              )
              .optional()
              .meta({ description: "present when the inference server returned token log-probabilities or ids (policy.logprobs: true; token ids from vLLM)" }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "Batch" });

const ZStepParams = ZRunId.extend({ step: z.coerce.number().int().min(0).meta({ description: "step index of the batch" }) });

export const trainerRoutes = [
  defineRoute({
    method: "GET",
    path: "/runs/{id}/batches/next",
    operationId: "nextBatch",
    tag: "trainer",
    summary: "Long-poll the oldest unacknowledged batch",
    description:
      "For runs with `trainer: \"external\"`. Answers the oldest published batch that is not acknowledged yet (the same one again until it is), or 204 when none is ready within `waitSeconds` (also at once when the run is over: check GET /runs/{id}).",
    scope: "trainer",
    params: ZRunId,
    query: z.strictObject({ waitSeconds: z.coerce.number().min(0).max(MAX_WAIT_SECONDS).default(20).meta({ description: `seconds to wait for a batch, at most ${MAX_WAIT_SECONDS}` }) }),
    response: ZBatch,
    noContent: "No batch ready within waitSeconds",
    errors: [404, 409],
    handle: async ({ db, params, query, req }) => (await nextBatch({ db, runId: params.id, waitSeconds: query.waitSeconds, signal: req.signal })) ?? NO_CONTENT,
  }),
  defineRoute({
    method: "POST",
    path: "/runs/{id}/batches/{step}/ack",
    operationId: "ackBatch",
    tag: "trainer",
    summary: "Acknowledge a trained batch with the new policy version",
    description:
      "Send after training on the batch and loading the new weights into the inference server. Idempotent (the same ack again answers the same, `isDuplicate: true`); 409 for a step never published, an ack out of order, a version below the run's, or a second ack with another version.",
    scope: "trainer",
    params: ZStepParams,
    body: z.strictObject({
      policyVersion: z.int().min(0).max(2 ** 31 - 1).meta({ description: "the version of the weights trained on this batch (≥ the run's)" }),
      metrics: z
        .record(z.string().min(1).max(64), z.number().finite())
        .refine((m) => Object.keys(m).length <= 50, "at most 50 metrics")
        .optional()
        .meta({ description: "named numbers charted on the monitor, e.g. loss, kl, gradNorm, lr" }),
    }),
    bodyLimitBytes: 64 * 1024,
    response: z.object({ runId: z.string(), step: z.int(), policyVersion: z.int(), ackedAt: z.iso.datetime(), isDuplicate: z.boolean() }).meta({ id: "Ack" }),
    errors: [404, 409],
    handle: async ({ db, params, body }) => {
      const jobs = await getWebJobSender();
      return ackBatch({ db, jobs, runId: params.id, stepIndex: params.step, policyVersion: body.policyVersion, metrics: body.metrics });
    },
  }),
];
