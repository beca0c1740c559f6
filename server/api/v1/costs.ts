// /api/v1 run costs: what synthesis cost beside the training rollouts (the monitor's table). A thin door over
// cost-service; the share rule is server/rods/cost-share.ts.
import { z } from "zod";
import { getRunCosts } from "../../services/cost-service";
import { defineRoute } from "./define-route";
import { ZRunId } from "./runs";

const ZMetric = z.enum(["tokens", "wall", "cpu"]);

const ZMetricShare = z.object({
  metric: ZMetric,
  synthesis: z.number().meta({ description: "tokens, or seconds" }),
  rollouts: z.number(),
  share: z.number().nullable().meta({ description: "synthesis / (synthesis + rollouts), 0–1; null when it cannot be told" }),
  isEstimated: z.boolean().meta({ description: "a side is an estimate (the simulated learner's tokens)" }),
  note: z.string().nullable(),
});

const ZTotals = z.object({ count: z.int(), tokensIn: z.number(), tokensOut: z.number(), wallMs: z.number(), cpuMs: z.number() });

export const ZRunCostV1 = z
  .object({
    runId: z.string(),
    synthesizes: z.boolean(),
    basis: ZMetric.meta({ description: "the metric of the headline share: tokens (llm synthesizer), cpu (procedural + simulated learner), wall (procedural + a policy server)" }),
    share: z.number().nullable().meta({ description: "the headline synthesis cost share, 0–1 (0 for static runs)" }),
    isEstimated: z.boolean(),
    basisText: z.string(),
    metrics: z.object({ tokens: ZMetricShare, wall: ZMetricShare, cpu: ZMetricShare }),
    attempts: z.int(),
    rolloutCount: z.int(),
    synthesis: ZTotals.extend({ modelCalls: z.int() }),
    rollouts: ZTotals,
    synthesizer: z.enum(["procedural", "llm"]),
    policy: z.enum(["simulated", "openai"]),
  })
  .meta({ id: "RunCost" });

export const costRoutes = [
  defineRoute({
    method: "GET",
    path: "/runs/{id}/costs",
    operationId: "getRunCosts",
    tag: "runs",
    summary: "What synthesis cost beside the training rollouts",
    description:
      "Model tokens, job wall time and worker CPU of the run's synthesis attempts and of its finished steps' rollouts, each as a share, and the headline share (its metric depends on the synthesizer and the policy; see the README, 'What synthesis costs').",
    scope: "runs:read",
    params: ZRunId,
    response: ZRunCostV1,
    errors: [404],
    handle: async ({ db, params }) => (await getRunCosts({ db, runIds: [params.id] }))[0]!,
  }),
];
