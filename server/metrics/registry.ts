// The one module that imports prom-client. It owns this process's registry: the HTTP request-duration histogram
// observed by the /api/v1 dispatcher and the tRPC route, and, at each scrape, gauges and counters set from what
// the database holds (metrics-service). Kept on globalThis because Next may load a module once per route bundle.
import client from "prom-client";
import type { Db } from "../db";
import type { ReadCacheOutcome } from "../http/read-cache";
import { collectServiceMetrics } from "../services/metrics-service";

export const METRICS_CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;

function build() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "rods_process_" });
  const m = {
    registry,
    httpDuration: new client.Histogram({
      name: "rods_http_request_duration_seconds",
      help: "Duration of HTTP requests served by this web process, by surface (api_v1, trpc), method, route and status.",
      labelNames: ["surface", "method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    readCache: new client.Counter({
      name: "rods_read_cache_answers_total",
      help: "Polled reads this web process answered from its read cache (RODS_READ_CACHE_MS), by outcome: kept (from memory), shared (a computation under way), stale (the old answer while a fresh one is computed), computed.",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    runInfo: new client.Gauge({ name: "rods_run_info", help: "One series per run with its name, mode and status (value 1).", labelNames: ["run", "name", "mode", "status"] as const, registers: [registry] }),
    rollouts: new client.Counter({ name: "rods_run_rollouts_total", help: "Rollouts of finished and rolling steps, by run (sum of Step.numRollouts).", labelNames: ["run"] as const, registers: [registry] }),
    infraFailures: new client.Counter({ name: "rods_run_infra_failures_total", help: "Rollouts lost to infrastructure failures, by run (sum of Step.infraFailures).", labelNames: ["run"] as const, registers: [registry] }),
    tokens: new client.Counter({ name: "rods_run_tokens_total", help: "Model tokens of rollouts by run and direction (in, out).", labelNames: ["run", "direction"] as const, registers: [registry] }),
    stepsDone: new client.Gauge({ name: "rods_run_steps_done", help: "Finished steps by run.", labelNames: ["run"] as const, registers: [registry] }),
    lastStep: new client.Gauge({ name: "rods_run_last_step_duration_seconds", help: "Wall time of the run's latest finished step.", labelNames: ["run"] as const, registers: [registry] }),
    meanStep: new client.Gauge({ name: "rods_run_mean_step_duration_seconds", help: "Mean wall time of the run's finished steps.", labelNames: ["run"] as const, registers: [registry] }),
    maxStep: new client.Gauge({ name: "rods_run_max_step_duration_seconds", help: "Longest wall time of the run's finished steps.", labelNames: ["run"] as const, registers: [registry] }),
    synthesis: new client.Counter({
      name: "rods_synthesis_attempts_total",
      help: "Synthesis attempts by run, backend, outcome and error type (error_type=none when there is no error).",
      labelNames: ["run", "backend", "outcome", "error_type"] as const,
      registers: [registry],
    }),
    // What synthesis costs beside the rollouts, as GET /api/v1/runs/{id}/costs serves it (live runs and the latest
    // finished ones: metrics-service's COST_METRIC_RUNS).
    costInfo: new client.Gauge({
      name: "rods_run_cost_info",
      help: "One series per run whose costs are reported: the metric of its headline synthesis cost share (basis), synthesizer, policy, and whether rollout tokens are estimates (value 1).",
      labelNames: ["run", "basis", "synthesizer", "policy", "tokens_estimated"] as const,
      registers: [registry],
    }),
    costTokens: new client.Counter({
      name: "rods_run_cost_tokens_total",
      help: "Model tokens by run, part (synthesis: every attempt; rollouts: finished steps) and direction (in, out); the simulated learner's are estimates (rods_run_cost_info).",
      labelNames: ["run", "part", "direction"] as const,
      registers: [registry],
    }),
    costWall: new client.Counter({ name: "rods_run_cost_wall_seconds_total", help: "Job wall time by run and part (synthesis attempts, rollout groups of finished steps).", labelNames: ["run", "part"] as const, registers: [registry] }),
    costCpu: new client.Counter({ name: "rods_run_cost_cpu_seconds_total", help: "Worker CPU by run and part (synthesis attempts, rollout groups of finished steps).", labelNames: ["run", "part"] as const, registers: [registry] }),
    costModelCalls: new client.Counter({ name: "rods_run_synthesis_model_calls_total", help: "Model calls of the run's synthesis attempts (0 for the procedural synthesizer).", labelNames: ["run"] as const, registers: [registry] }),
    costShare: new client.Gauge({
      name: "rods_run_synthesis_cost_share",
      help: "Synthesis / (synthesis + rollouts) per metric (tokens, wall, cpu), 0-1; 0 for modes that do not synthesize; absent when it cannot be told. The headline is the metric rods_run_cost_info names as basis.",
      labelNames: ["run", "metric"] as const,
      registers: [registry],
    }),
    queue: new client.Gauge({ name: "rods_queue_jobs", help: "pg-boss jobs waiting (created, retry) or being worked (active), by queue.", labelNames: ["queue", "state"] as const, registers: [registry] }),
    scrapeOk: new client.Gauge({ name: "rods_metrics_database_up", help: "1 when the database numbers of this scrape were read, 0 when the database did not answer.", registers: [registry] }),
  };
  return m;
}

type Metrics = ReturnType<typeof build>;
const holder = globalThis as unknown as { __rodsMetrics?: Metrics };
const metrics = (): Metrics => (holder.__rodsMetrics ??= build());

/** Records one served request; `route` is the route template (never the raw path: ids would explode the series). */
export function observeHttpRequest({ surface, method, route, status, seconds }: { surface: "api_v1" | "trpc"; method: string; route: string; status: number; seconds: number }): void {
  metrics().httpDuration.observe({ surface, method, route, status: String(status) }, seconds);
}

/** Counts one answer of the web process's read cache by how it was found (server/http/read-cache.ts). */
export function countReadCacheAnswer(outcome: ReadCacheOutcome): void {
  metrics().readCache.inc({ outcome });
}

const DB_METRICS = [
  "runInfo", "rollouts", "infraFailures", "tokens", "stepsDone", "lastStep", "meanStep", "maxStep", "synthesis", "queue",
  "costInfo", "costTokens", "costWall", "costCpu", "costModelCalls", "costShare",
] as const;

/** The exposition text: database numbers read now (deleted runs vanish), plus this process's own metrics. */
export async function renderMetrics({ db }: { db: Db }): Promise<string> {
  const m = metrics();
  for (const key of DB_METRICS) m[key].reset();
  try {
    const data = await collectServiceMetrics({ db });
    for (const r of data.runs) {
      const run = { run: r.runId };
      m.runInfo.set({ run: r.runId, name: r.name, mode: r.mode, status: r.status }, 1);
      m.rollouts.inc(run, r.rollouts);
      m.infraFailures.inc(run, r.infraFailures);
      m.tokens.inc({ ...run, direction: "in" }, r.tokensIn);
      m.tokens.inc({ ...run, direction: "out" }, r.tokensOut);
      m.stepsDone.set(run, r.stepsDone);
      if (r.lastStepSeconds !== null) m.lastStep.set(run, r.lastStepSeconds);
      if (r.meanStepSeconds !== null) m.meanStep.set(run, r.meanStepSeconds);
      if (r.maxStepSeconds !== null) m.maxStep.set(run, r.maxStepSeconds);
    }
    for (const s of data.synthesis) {
      m.synthesis.inc({ run: s.runId ?? "none", backend: s.backend, outcome: s.outcome, error_type: s.errorType }, s.count);
    }
    for (const q of data.queues ?? []) m.queue.set({ queue: q.queue, state: q.state }, q.count);
    for (const c of data.costs) {
      const run = c.runId;
      m.costInfo.set({ run, basis: c.basis, synthesizer: c.synthesizer, policy: c.policy, tokens_estimated: String(c.metrics.tokens.isEstimated) }, 1);
      for (const [part, totals] of [["synthesis", c.synthesis], ["rollouts", c.rollouts]] as const) {
        m.costTokens.inc({ run, part, direction: "in" }, totals.tokensIn);
        m.costTokens.inc({ run, part, direction: "out" }, totals.tokensOut);
        m.costWall.inc({ run, part }, totals.wallMs / 1000);
        m.costCpu.inc({ run, part }, totals.cpuMs / 1000);
      }
      m.costModelCalls.inc({ run }, c.synthesis.modelCalls);
      for (const metric of Object.values(c.metrics)) if (metric.share !== null) m.costShare.set({ run, metric: metric.metric }, metric.share);
    }
    m.scrapeOk.set(1);
  } catch (error) {
    // The process metrics are still worth a scrape; the gauge says the database part is missing.
    console.error("[metrics]", error instanceof Error ? error.message : error);
    m.scrapeOk.set(0);
  }
  return m.registry.metrics();
}
