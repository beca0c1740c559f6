// A big finished run for bench/dashboard, written by a few INSERT … SELECT FROM generate_series statements (seconds,
// not the fixture's minutes): steps × tasks × K rollouts, TaskStepStat, Step aggregates (with the step's task ids and,
// as if an external trainer had acknowledged every step, its metrics), PoolEntry, synthesis
// attempts with their child tasks and reviews, held-out evaluations. Randomness is hashtext() of stable keys, so
// every statement agrees on the same draws. A toy, like test/fixtures/synthetic-run.ts: each step rolls out the
// same `tasks` seed tasks (synthesized tasks enter the pool but are not rolled out), a task's success chance rises
// with the step. Then every step's StepAggregate and the run's RunAggregate are written by the services the driver
// calls when a step closes.
import { randomUUID } from "node:crypto";
import type { Db } from "../../server/db";
import { Prisma } from "../../server/generated/prisma/client";
import { ZRunConfig } from "../../server/rods/config";
import { refreshRunAggregate } from "../../server/services/monitor/run-aggregate";
import { fillMissingStepAggregates } from "../../server/services/monitor/step-aggregates";

export interface SqlFilledRun {
  runId: string;
  stepsDone: number;
  rollouts: number;
  attempts: number;
}

/** A uniform draw in [0, 1) from a text key, the same in every statement. */
const u = (key: Prisma.Sql) => Prisma.sql`((hashtext(${key})::bigint + 2147483648) / 4294967296.0)`;

export async function fillRunWithSql({
  db,
  steps,
  tasks,
  k,
  epochs,
  attemptsPerStep = 8,
  withRollouts = true,
  log = () => {},
}: {
  db: Db;
  steps: number;
  tasks: number;
  k: number;
  epochs: number;
  attemptsPerStep?: number;
  withRollouts?: boolean;
  log?: (m: string) => void;
}): Promise<SqlFilledRun> {
  const key = randomUUID().replace(/-/g, "").slice(0, 10);
  const config = ZRunConfig.parse({
    mode: "rods",
    datasetName: `bench-sql-${key}`,
    epochs,
    k,
    batchSize: tasks,
    limitSeeds: tasks,
    reviewPolicy: "manual",
    policy: { kind: "openai", baseUrl: "http://policy.fixture.invalid/v1", model: "bench-sql-policy" },
  });
  const perEpoch = Math.ceil(steps / epochs);
  const runId = `bench${key}`;
  const datasetId = `benchds${key}`;
  const now = Date.now();
  const stepSeconds = 20;
  const categories = Prisma.sql`(ARRAY['base','long_context','miss_func','miss_param'])`;
  await db.$executeRaw`INSERT INTO "Dataset" (id, name, description, source) VALUES (${datasetId}, ${config.datasetName}, 'bench/dashboard SQL fill', 'fixture')`;
  // Seed tasks: t<i>; their difficulty is a draw from the task id.
  await db.$executeRaw`
    INSERT INTO "Task" (id, "datasetId", "externalId", category, "scenarioIndex", split, "involvedClasses", "numTurns", turns, "initialConfig", "groundTruth", origin, "contentHash", "updatedAt")
    SELECT ${key} || 't' || i, ${datasetId}, ${categories}[1 + i % 4] || '_' || i, ${categories}[1 + i % 4], i, 'train', ARRAY['MathAPI','TwitterAPI'], 1 + i % 4,
           '[]'::jsonb, '{}'::jsonb, '[]'::jsonb, 'seed', 'bench-' || ${key} || 't' || i, now()
    FROM generate_series(0, ${tasks - 1}) i`;
  const startedAt = new Date(now - steps * stepSeconds * 1000);
  await db.$executeRaw`
    INSERT INTO "Run" (id, name, mode, status, config, "datasetId", "currentEpoch", "currentStep", "totalSteps", "policyVersion", "createdAt", "startedAt", "finishedAt", "updatedAt")
    VALUES (${runId}, 'bench · rods (SQL fill)', 'rods', 'completed', ${JSON.stringify(config)}::jsonb, ${datasetId}, ${epochs}, ${steps}, ${steps}, ${steps},
            ${new Date(startedAt.getTime() - 5000)}, ${startedAt}, ${new Date(now)}, now())`;

  // K rewards per task and step: the share of the task's turns passed, each with chance sigmoid(3·(skill − difficulty)).
  const t0 = Date.now();
  await db.$executeRaw`
    INSERT INTO "TaskStepStat" (id, "runId", "stepIndex", "taskId", rewards, successes, mean, variance, phi, region, "infraFailures")
    SELECT ${key} || ':' || s || ':' || i, ${runId}, s, ${key} || 't' || i, r.rewards,
           (SELECT count(*) FILTER (WHERE x = 1) FROM unnest(r.rewards) x)::int, r.mean, r.variance, 4 * r.mean * (1 - r.mean),
           (CASE WHEN r.mean < ${config.alphaMinus} THEN 'hard' WHEN r.mean > ${config.alphaPlus} THEN 'mastered' ELSE 'boundary' END)::"Region", 0
    FROM generate_series(0, ${steps - 1}) s CROSS JOIN generate_series(0, ${tasks - 1}) i
    CROSS JOIN LATERAL (
      SELECT 1.0 / (1.0 + exp(-3 * ((-0.6 + 1.8 * s / ${steps}::float8) - (-0.3 + 2.2 * (${u(Prisma.sql`'d' || i`)} - 0.5))))) AS p, 1 + i % 4 AS turns
    ) q
    CROSS JOIN LATERAL (
      SELECT array_agg(v ORDER BY j) AS rewards, avg(v) AS mean, var_pop(v) AS variance FROM (
        SELECT j, (SELECT count(*) FILTER (WHERE ${u(Prisma.sql`s || ':' || i || ':' || j || ':' || n`)} < q.p) FROM generate_series(1, q.turns) n)::float8 / q.turns AS v
        FROM generate_series(0, ${k - 1}) j
      ) w
    ) r`;
  log(`task-step stats: ${steps * tasks} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Steps with the aggregates the driver stores (the method's formulas in SQL: informative = variance > 0).
  await db.$executeRaw`
    INSERT INTO "Step" (id, "runId", index, epoch, "stepInEpoch", "taskIds", status, "numTasks", "numRollouts", "infraFailures", "meanReward",
                        "informativeFraction", "meanPhi", "gradConcentration", regions, "tokensIn", "tokensOut", "policyVersion", "startedAt", "rollingSince", "finishedAt",
                        "publishedAt", "ackedAt", "ackedPolicyVersion", "trainerMetrics")
    SELECT ${runId} || ':' || st."stepIndex", ${runId}, st."stepIndex", LEAST(${epochs - 1}, st."stepIndex" / ${perEpoch}), st."stepIndex" % ${perEpoch},
           ARRAY(SELECT ${key} || 't' || i FROM generate_series(0, ${tasks - 1}) i), 'done', st.n, st.n * ${k}, 0, st.mean, st.informative, st.phi, st.informative,
           json_build_object('seed', json_build_object('hard', st.hard, 'boundary', st.boundary, 'mastered', st.mastered),
                             'synthesized', json_build_object('hard', 0, 'boundary', 0, 'mastered', 0))::jsonb,
           st.n * ${k} * 1500, st.n * ${k} * 150, st."stepIndex",
           ${startedAt}::timestamp + make_interval(secs => st."stepIndex" * ${stepSeconds}), ${startedAt}::timestamp + make_interval(secs => st."stepIndex" * ${stepSeconds}),
           ${startedAt}::timestamp + make_interval(secs => (st."stepIndex" + 1) * ${stepSeconds}),
           ${startedAt}::timestamp + make_interval(secs => (st."stepIndex" + 1) * ${stepSeconds}), ${startedAt}::timestamp + make_interval(secs => (st."stepIndex" + 1) * ${stepSeconds} + 7),
           st."stepIndex" + 1,
           jsonb_build_object('loss', 1 - st.mean, 'kl', 0.01 * st.phi, 'grad_norm', 0.5 + st.informative, 'lr', 1e-6, 'entropy', 0.3 + 0.2 * st.phi)
    FROM (
      SELECT "stepIndex", count(*)::int AS n, avg(mean) AS mean, avg((variance > 0)::int) AS informative, avg(phi) AS phi,
             count(*) FILTER (WHERE region = 'hard')::int AS hard, count(*) FILTER (WHERE region = 'boundary')::int AS boundary,
             count(*) FILTER (WHERE region = 'mastered')::int AS mastered
      FROM "TaskStepStat" WHERE "runId" = ${runId} GROUP BY "stepIndex"
    ) st`;

  // Synthesis: attemptsPerStep attempts per step from its boundary tasks; 55 % accepted (a child task, reviewed by
  // hand: 60 % approved, 20 % rejected, 20 % pending), the rest dropped at a stage with a typed error.
  await db.$executeRaw`
    CREATE TEMP TABLE bench_attempt AS
    SELECT ${key} || 'a' || s || '_' || a AS id, s AS "stepIndex", ${key} || 't' || ((s * 131 + a * 97) % ${tasks}) AS "seedTaskId",
           ${u(Prisma.sql`'o' || s || ':' || a`)} AS o, ${u(Prisma.sql`'e' || s || ':' || a`)} AS e, ${u(Prisma.sql`'r' || s || ':' || a`)} AS r
    FROM generate_series(0, ${steps - 1}) s CROSS JOIN generate_series(0, ${attemptsPerStep - 1}) a`;
  await db.$executeRaw`
    INSERT INTO "Task" (id, "datasetId", "externalId", category, split, "involvedClasses", "numTurns", turns, "initialConfig", "groundTruth", origin, "parentId", "reviewState", "contentHash", "updatedAt")
    SELECT b.id || 'y', ${datasetId}, p."externalId" || '~syn-' || b.id, p.category, 'train', p."involvedClasses", p."numTurns", '[]'::jsonb, '{}'::jsonb, '[]'::jsonb,
           'synthesized', p.id, (CASE WHEN b.r < 0.6 THEN 'approved' WHEN b.r < 0.8 THEN 'rejected' ELSE 'pending' END)::"ReviewState", 'bench-' || b.id, now()
    FROM bench_attempt b JOIN "Task" p ON p.id = b."seedTaskId" WHERE b.o < 0.55`;
  const attempts = await db.$executeRaw`
    INSERT INTO "SynthesisAttempt" (id, "runId", "stepIndex", "seedTaskId", backend, "stageReached", outcome, "errorType", "errorMessage", "gateResults", "childTaskId", "createdAt", "finishedAt")
    SELECT b.id, ${runId}, b."stepIndex", b."seedTaskId", 'procedural',
           (CASE WHEN b.o < 0.55 THEN 'done' WHEN b.e < 0.35 THEN 'plan' WHEN b.e < 0.65 THEN 'execute' WHEN b.e < 0.8 THEN 'rewrite' ELSE 'critique' END)::"SynthesisStage",
           (CASE WHEN b.o < 0.55 THEN 'accepted' ELSE 'dropped' END)::"SynthesisOutcome",
           CASE WHEN b.o < 0.55 THEN NULL WHEN b.e < 0.35 THEN 'decompose_failed' WHEN b.e < 0.65 THEN 'vm_exec_failed' WHEN b.e < 0.8 THEN 'query_gen_failed'
                WHEN b.e < 0.9 THEN 'query_verify_failed' ELSE 'duplicate_func' END,
           CASE WHEN b.o < 0.55 THEN NULL ELSE 'bench drop' END,
           CASE WHEN b.o < 0.55 OR b.e >= 0.8 THEN
             json_build_array(json_build_object('name', 'reexecution_identical', 'isPassed', true), json_build_object('name', 'argument_limits', 'isPassed', b.o < 0.55 OR b.e < 0.9))::jsonb
           END,
           CASE WHEN b.o < 0.55 THEN b.id || 'y' END,
           ${startedAt}::timestamp + make_interval(secs => (b."stepIndex" + 1) * ${stepSeconds}), ${startedAt}::timestamp + make_interval(secs => (b."stepIndex" + 1) * ${stepSeconds} + 4)
    FROM bench_attempt b`;

  // Pool: seeds active (some retired at an epoch's close); accepted-and-not-rejected children staged, injected at
  // the next epoch (landing at a drawn r̄) or retired there.
  await db.$executeRaw`
    INSERT INTO "PoolEntry" (id, "runId", "taskId", state, "isSeed", "enteredEpoch", "leftEpoch", "retireReason", "firstMean", "lastMean", "updatedAt")
    SELECT ${runId} || ':' || t.id, ${runId}, t.id,
           (CASE WHEN ${u(Prisma.sql`'x' || t.id`)} < 0.15 THEN 'retired' ELSE 'active' END)::"PoolState", true, 0,
           CASE WHEN ${u(Prisma.sql`'x' || t.id`)} < 0.15 THEN (hashtext('l' || t.id) & 65535) % ${epochs} END,
           (CASE WHEN ${u(Prisma.sql`'x' || t.id`)} < 0.07 THEN 'mastered' WHEN ${u(Prisma.sql`'x' || t.id`)} < 0.15 THEN 'unsolvable' END)::"RetireReason",
           s0.mean, sl.mean, now()
    FROM "Task" t
    LEFT JOIN "TaskStepStat" s0 ON s0."runId" = ${runId} AND s0."stepIndex" = 0 AND s0."taskId" = t.id
    LEFT JOIN "TaskStepStat" sl ON sl."runId" = ${runId} AND sl."stepIndex" = ${steps - 1} AND sl."taskId" = t.id
    WHERE t."datasetId" = ${datasetId} AND t.origin = 'seed'`;
  await db.$executeRaw`
    INSERT INTO "PoolEntry" (id, "runId", "taskId", state, "isSeed", "stagedStep", "enteredEpoch", "leftEpoch", "retireReason", "firstMean", "updatedAt")
    SELECT ${runId} || ':' || b.id, ${runId}, b.id || 'y',
           (CASE WHEN b.ep + 1 >= ${epochs} OR t."reviewState" <> 'approved' THEN 'staged' WHEN b.e < 0.3 THEN 'retired' ELSE 'active' END)::"PoolState", false, b."stepIndex",
           CASE WHEN b.ep + 1 < ${epochs} AND t."reviewState" = 'approved' THEN b.ep + 1 END,
           CASE WHEN b.ep + 1 < ${epochs} AND t."reviewState" = 'approved' AND b.e < 0.3 THEN LEAST(${epochs - 1}, b.ep + 1) END,
           (CASE WHEN b.ep + 1 < ${epochs} AND t."reviewState" = 'approved' AND b.e < 0.3 THEN (CASE WHEN b.e < 0.15 THEN 'burn_in' ELSE 'pruned' END) END)::"RetireReason",
           CASE WHEN b.ep + 1 < ${epochs} AND t."reviewState" = 'approved' THEN b.r END, now()
    FROM (SELECT *, LEAST(${epochs - 1}, "stepIndex" / ${perEpoch}) AS ep FROM bench_attempt WHERE o < 0.55) b JOIN "Task" t ON t.id = b.id || 'y'`;
  await db.$executeRaw`
    INSERT INTO "Evaluation" (id, "runId", "stepIndex", epoch, split, category, score, progress, n)
    SELECT ${runId} || ':' || e || ':' || c, ${runId}, LEAST(${steps}, e * ${perEpoch}), e, 'test', c,
           0.2 + 0.4 * e / ${epochs}::float8 + 0.05 * ${u(Prisma.sql`'s' || e || c`)}, 0.4 + 0.3 * e / ${epochs}::float8, CASE WHEN c = 'overall' THEN 400 ELSE 100 END
    FROM generate_series(0, ${epochs}) e CROSS JOIN unnest(ARRAY['overall','base','long_context','miss_func','miss_param']) c
    WHERE e = ${epochs} OR e * ${perEpoch} < ${steps}`;
  await db.$executeRaw`DROP TABLE bench_attempt`;

  let rollouts = 0;
  if (withRollouts) {
    // K rows per task and step from the stored rewards: compact (no trajectory) but real rows in the real table.
    const perStatement = Math.max(1, Math.floor(400_000 / (tasks * k)));
    for (let from = 0; from < steps; from += perStatement) {
      const to = Math.min(steps, from + perStatement) - 1;
      rollouts += await db.$executeRaw`
        INSERT INTO "Rollout" (id, "runId", "stepIndex", "taskId", sample, "policyVersion", messages, reward, success, "tokensIn", "tokensOut", "latencyMs")
        SELECT s.id || ':' || (r.ord - 1), s."runId", s."stepIndex", s."taskId", (r.ord - 1)::int, s."stepIndex", '[]'::jsonb, r.reward, r.reward = 1, 1500, 150, 800
        FROM "TaskStepStat" s CROSS JOIN LATERAL unnest(s.rewards) WITH ORDINALITY AS r(reward, ord)
        WHERE s."runId" = ${runId} AND s."stepIndex" BETWEEN ${from} AND ${to}`;
      log(`rollouts: ${rollouts}`);
    }
  }
  const t1 = Date.now();
  const aggregated = await fillMissingStepAggregates({ db, runId });
  log(`step aggregates: ${aggregated} in ${((Date.now() - t1) / 1000).toFixed(1)} s (${((Date.now() - t1) / aggregated).toFixed(0)} ms per step close)`);
  // The run's aggregate, as the driver rewrites it in every step close's transaction: one rewrite at the full length.
  const t2 = Date.now();
  await refreshRunAggregate({ db, runId });
  log(`run aggregate: one rewrite at ${steps} steps in ${Date.now() - t2} ms (each step close pays this once)`);
  return { runId, stepsDone: steps, rollouts, attempts };
}
