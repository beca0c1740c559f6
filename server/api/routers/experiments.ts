import { z } from "zod";
import { getWebJobSender } from "../../jobs/web-queue";
import { allowedKeyEnvs, createLlmClient, LlmError } from "../../llm/client";
import { MODE_TEXTS, ZOpenAIEndpoint, ZOpenAIPolicy, ZRunConfig, ZRunConfigInput, ZSimulatedPolicy, ZSynthesizerConfig } from "../../rods/config";
import { listDatasets } from "../../services/dataset-service";
import { createRun } from "../../services/runs-service";
import { AppError } from "../../errors";
import { keyEnvProblem } from "../../rods/endpoint";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../trpc";

/** The connection test waits at most this long: it backs a button, not a rollout. */
const CONNECTION_TIMEOUT_MS = 10_000;

const ZEndpointProbe = ZOpenAIEndpoint.pick({ baseUrl: true, apiKeyEnv: true }).extend({ model: z.string().max(200).optional() });

/** Asks the server for its models (one attempt). The key is read from the web process's environment, never sent. */
async function testEndpoint({ baseUrl, model, apiKeyEnv }: z.infer<typeof ZEndpointProbe>) {
  const keyProblem = keyEnvProblem(apiKeyEnv, allowedKeyEnvs());
  if (keyProblem) throw new AppError("BAD_REQUEST", keyProblem);
  const isKeySet = apiKeyEnv ? Boolean(process.env[apiKeyEnv]) : null;
  try {
    const client = createLlmClient({ baseUrl, model: model || "unused", apiKeyEnv, timeoutMs: CONNECTION_TIMEOUT_MS, maxRetries: 0 });
    const models = await client.listModels();
    return { isOk: true as const, models: models.slice(0, 100), modelCount: models.length, isModelListed: model ? models.includes(model) : null, isKeySet };
  } catch (error) {
    const kind = error instanceof LlmError ? error.kind : "network";
    const status = error instanceof LlmError ? (error.status ?? null) : null;
    return { isOk: false as const, kind, status, message: error instanceof Error ? error.message : String(error), isKeySet };
  }
}

export const experimentsRouter = createTRPCRouter({
  /** Every setting at its default (the form starts here), and the defaults of each policy and synthesizer kind. */
  defaults: publicProcedure.query(() => {
    const endpoint = { baseUrl: "http://localhost:8000/v1", model: "placeholder" };
    return {
      config: ZRunConfig.parse({}),
      /** the variables an admin allows as endpoint keys (the form offers these) */
      allowedKeyEnvs: allowedKeyEnvs(),
      /** what each mode does, in the words of the README (one text per mode, server/rods/config.ts) */
      modeTexts: MODE_TEXTS,
      policies: {
        simulated: ZSimulatedPolicy.parse({ kind: "simulated" }),
        openai: { ...ZOpenAIPolicy.parse({ kind: "openai", ...endpoint }), model: "" },
      },
      synthesizers: { procedural: { kind: "procedural" as const }, llm: { ...ZSynthesizerConfig.parse({ kind: "llm", ...endpoint }), model: "" } },
    };
  }),
  /** The imported datasets a run can be launched on, with their train (seeds) and test (held-out) counts. */
  datasets: publicProcedure.query(({ ctx }) => listDatasets({ db: ctx.db })),
  /** Validates a draft without creating anything: the issues, keyed by path, for inline errors while typing. */
  check: publicProcedure.input(z.object({ config: z.unknown() })).query(({ input }) => {
    const parsed = ZRunConfig.safeParse(input.config);
    return { issues: parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) };
  }),
  /** Creates and starts a run; input errors come back as zodIssues with paths under "config". */
  create: memberProcedure
    .input(z.object({ name: z.string().trim().max(200).optional(), config: ZRunConfigInput }))
    .mutation(async ({ ctx, input }) => {
      const jobs = await getWebJobSender(); // before creating, so a run is never left without its first job
      const run = await createRun({ db: ctx.db, jobs, name: input.name, config: input.config, createdById: ctx.user.id, quotaUser: ctx.user });
      return { id: run.id, name: run.name };
    }),
  testConnection: memberProcedure.input(ZEndpointProbe).mutation(({ input }) => testEndpoint(input)),
});
