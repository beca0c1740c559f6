// The numbers behind /metrics, read from the database: per-run totals from the per-step aggregates in Step (never a
// scan of Rollout), step durations from Step start/finish times, synthesis outcomes grouped from SynthesisAttempt,
// queue depth from pg-boss's job table, and what synthesis costs (cost-service, the figures /api/v1/runs/{id}/costs
// serves) for a bounded set of runs. server/metrics/registry.ts turns them into the Prometheus exposition.
import type { Db } from "../db";
import { JOBS } from "../jobs/contract";
import { QUEUE_SCHEMA } from "../jobs/queue";
import { getRunCosts, type RunCost } from "./cost-service";

/**
 * Runs whose cost figures a scrape reports: every live run (queued, running, paused) first, then the latest
 * finished ones, at most this many in all. Cost figures are up to 13 series a run; the bound keeps them bounded.
 */
export const COST_METRIC_RUNS = 50;

/** Job states that are still waiting or being worked: the queue's depth (finished jobs are history). */
export const QUEUE_STATES = ["created", "retry", "active"] as const;

export interface RunMetrics {
  runId: string;
  name: string;
  mode: string;
  status: string;
  stepsDone: number;
  rollouts: number;
  infraFailures: number;
  tokensIn: number;
  tokensOut: number;
  /** seconds; null until a step has finished */
  lastStepSeconds: number | null;
  meanStepSeconds: number | null;
  maxStepSeconds: number | null;
}

export interface SynthesisOutcomeCount {
  runId: string | null;
  backend: string;
  outcome: string;
  /** "none" for attempts without an error type (accepted or still running) */
  errorType: string;
  count: number;
}

export interface QueueDepth {
  queue: string;
  state: (typeof QUEUE_STATES)[number];
  count: number;
}

export interface ServiceMetrics {
  runs: RunMetrics[];
  synthesis: SynthesisOutcomeCount[];
  /** null when the queue's tables do not exist yet (no process has started pg-boss on this database) */
  queues: QueueDepth[] | null;
  /** cost figures of at most COST_METRIC_RUNS runs (live ones first, then the latest finished) */
  costs: RunCost[];
}

async function runMetrics(db: Db): Promise<RunMetrics[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      name: string;
      mode: string;
      status: string;
      steps_done: number;
      rollouts: bigint | null;
      infra: bigint | null;
      tokens_in: bigint | null;
      tokens_out: bigint | null;
      last_s: number | null;
      mean_s: number | null;
      max_s: number | null;
    }[]
  >`
    SELECT r.id, r.name, r.mode::text AS mode, r.status::text AS status,
           coalesce(s.steps_done, 0)::int AS steps_done, s.rollouts, s.infra, s.tokens_in, s.tokens_out,
           s.mean_s, s.max_s,
           (SELECT extract(epoch FROM l."finishedAt" - l."startedAt")::float8 FROM "Step" l
             WHERE l."runId" = r.id AND l.status = 'done' AND l."finishedAt" IS NOT NULL ORDER BY l.index DESC LIMIT 1) AS last_s
    FROM "Run" r
    LEFT JOIN (
      SELECT "runId",
             count(*) FILTER (WHERE status = 'done') AS steps_done,
             sum("numRollouts") AS rollouts, sum("infraFailures") AS infra,
             sum("tokensIn") AS tokens_in, sum("tokensOut") AS tokens_out,
             avg(extract(epoch FROM "finishedAt" - "startedAt")) FILTER (WHERE status = 'done' AND "finishedAt" IS NOT NULL)::float8 AS mean_s,
             max(extract(epoch FROM "finishedAt" - "startedAt")) FILTER (WHERE status = 'done' AND "finishedAt" IS NOT NULL)::float8 AS max_s
      FROM "Step" GROUP BY "runId"
    ) s ON s."runId" = r.id
    ORDER BY r."createdAt", r.id`;
  return rows.map((r) => ({
    runId: r.id,
    name: r.name,
    mode: r.mode,
    status: r.status,
    stepsDone: r.steps_done,
    rollouts: Number(r.rollouts ?? 0),
    infraFailures: Number(r.infra ?? 0),
    tokensIn: Number(r.tokens_in ?? 0),
    tokensOut: Number(r.tokens_out ?? 0),
    lastStepSeconds: r.last_s,
    meanStepSeconds: r.mean_s,
    maxStepSeconds: r.max_s,
  }));
}

async function synthesisOutcomes(db: Db): Promise<SynthesisOutcomeCount[]> {
  const groups = await db.synthesisAttempt.groupBy({ by: ["runId", "backend", "outcome", "errorType"], _count: { _all: true } });
  return groups.map((g) => ({ runId: g.runId, backend: g.backend, outcome: String(g.outcome), errorType: g.errorType ?? "none", count: g._count._all }));
}

async function queueDepths(db: Db): Promise<QueueDepth[] | null> {
  const [{ exists }] = await db.$queryRawUnsafe<{ exists: boolean }[]>(`SELECT to_regclass('${QUEUE_SCHEMA}.job') IS NOT NULL AS exists`);
  if (!exists) return null;
  const rows = await db.$queryRawUnsafe<{ name: string; state: string; n: number }[]>(
    `SELECT name, state::text AS state, count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE state::text = ANY($1) GROUP BY name, state`,
    [...QUEUE_STATES],
  );
  // Every known queue in every waiting state, zeros included, so a dashboard sees the series before the first job.
  const names = [...new Set([...Object.values(JOBS), ...rows.map((r) => r.name)])].sort();
  return names.flatMap((queue) =>
    QUEUE_STATES.map((state) => ({ queue, state, count: rows.find((r) => r.name === queue && r.state === state)?.n ?? 0 })),
  );
}

/** The runs whose costs are reported: live ones, then the newest finished ones, COST_METRIC_RUNS at most. */
async function costRunIds(db: Db): Promise<string[]> {
  const rows = await db.run.findMany({
    where: { status: { in: ["queued", "running", "paused"] } },
    select: { id: true },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: COST_METRIC_RUNS,
  });
  const room = COST_METRIC_RUNS - rows.length;
  if (room > 0) {
    rows.push(
      ...(await db.run.findMany({
        where: { status: { in: ["completed", "failed", "cancelled"] } },
        select: { id: true },
        orderBy: [{ finishedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }, { id: "asc" }],
        take: room,
      })),
    );
  }
  return rows.map((r) => r.id);
}

/** Everything /metrics reports from the database: three queries, the queue's, and the cost service's. */
export async function collectServiceMetrics({ db }: { db: Db }): Promise<ServiceMetrics> {
  const [runs, synthesis, queues, costs] = await Promise.all([
    runMetrics(db),
    synthesisOutcomes(db),
    queueDepths(db),
    costRunIds(db).then((runIds) => getRunCosts({ db, runIds, skipMissing: true })),
  ]);
  return { runs, synthesis, queues, costs };
}
