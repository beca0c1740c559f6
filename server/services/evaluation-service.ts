// Held-out evaluation: the test split rolled out once per task (greedy for the simulated learner), scored by the
// verifier, stored per category and overall (binary success = BFCL accuracy, and mean progress reward).
import type { Db } from "../db";
import type { TRunConfig } from "../rods/config";
import { hashSeed } from "../rods/random";
import { policyForEvaluation } from "./policy-store";
import { rolloutAndScore } from "./rollout-service";
import { rolloutTaskSelect, toRolloutTask } from "./task-mapping";
import { refreshRunAggregate } from "./monitor/run-aggregate";

export async function runEvaluation({ db, runId, stepIndex, epoch }: { db: Db; runId: string; stepIndex: number; epoch: number }): Promise<number> {
  if ((await db.evaluation.count({ where: { runId, stepIndex } })) > 0) return 0;
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, config: true, datasetId: true } });
  if (!run || run.status === "cancelled") return 0;
  const config = run.config as unknown as TRunConfig;
  // A trainer-driven run's trainer rolls the held-out tasks out itself: publish them as work to claim.
  if (config.rollouts === "trainer") {
    await ensureEvalRequest({ db, runId, stepIndex, epoch, datasetId: run.datasetId, config });
    return 0;
  }
  const tasks = await heldOutTasks({ db, datasetId: run.datasetId, config });
  const policy = await policyForEvaluation({ db, runId, stepIndex, config });
  // BFCL's scoring: one greedy rollout per task (temperature 0 for a model, the likeliest decision for the learner).
  const isGreedy = true;
  const results = await Promise.all(
    tasks.map(async (task) => ({ task, scored: await rolloutAndScore({ policy, task, sample: 0, seed: hashSeed(config.seed, "eval", stepIndex, task.id), isGreedy }) })),
  );
  const scoredResults = results.flatMap(({ task, scored }) =>
    // infrastructure failures are not scores
    scored.reward === null ? [] : [{ category: task.category, reward: scored.reward, success: scored.success === true }],
  );
  return storeEvaluation({ db, runId, stepIndex, epoch, rows: evaluationRows(scoredResults) });
}

/** Stores one held-out evaluation (once per step: a repeat writes nothing) and the run's score curve the monitor reads. */
export async function storeEvaluation({ db, runId, stepIndex, epoch, rows }: { db: Db; runId: string; stepIndex: number; epoch: number; rows: ReturnType<typeof evaluationRows> }): Promise<number> {
  const created = await db.evaluation.createMany({ data: rows.map((row) => ({ runId, stepIndex, epoch, split: "test", ...row })), skipDuplicates: true });
  if (created.count > 0) await refreshRunAggregate({ db, runId, parts: ["heldOut"] });
  return created.count;
}

/** Per category and overall: BFCL accuracy (binary success rate) and mean progress reward. */
export function evaluationRows(results: { category: string; reward: number; success: boolean }[]) {
  const groups = new Map<string, { success: number; progress: number; n: number }>();
  for (const r of results) {
    for (const key of [r.category, "overall"]) {
      const g = groups.get(key) ?? { success: 0, progress: 0, n: 0 };
      g.success += r.success ? 1 : 0;
      g.progress += r.reward;
      g.n += 1;
      groups.set(key, g);
    }
  }
  return [...groups].map(([category, g]) => ({ category, score: g.success / g.n, progress: g.progress / g.n, n: g.n }));
}

/** The held-out tasks of a run: the test split of its dataset, limited to evalLimit spread over categories. */
export async function heldOutTasks({ db, datasetId, config }: { db: Db; datasetId: string; config: TRunConfig }) {
  const rows = await db.task.findMany({
    where: { datasetId, split: "test", origin: { in: ["seed", "imported"] } },
    select: { ...rolloutTaskSelect, scenarioIndex: true },
    orderBy: [{ category: "asc" }, { scenarioIndex: "asc" }, { externalId: "asc" }],
  });
  return (config.evalLimit ? spread(rows, config.evalLimit) : rows).map(toRolloutTask);
}

/** Publishes a trainer-driven run's held-out evaluation at a step (once; nothing when it is already scored). */
export async function ensureEvalRequest({ db, runId, stepIndex, epoch, datasetId, config }: { db: Db; runId: string; stepIndex: number; epoch: number; datasetId: string; config: TRunConfig }) {
  if ((await db.evaluation.count({ where: { runId, stepIndex } })) > 0) return;
  if (await db.evalRequest.findUnique({ where: { runId_stepIndex: { runId, stepIndex } }, select: { id: true } })) return;
  const tasks = await heldOutTasks({ db, datasetId, config });
  await db.evalRequest.createMany({ data: [{ runId, stepIndex, epoch, taskIds: tasks.map((t) => t.id) }], skipDuplicates: true });
}

/** The first n of each category in turn, so a limited evaluation still covers every category. */
function spread<T extends { category: string }>(rows: T[], n: number): T[] {
  const by = new Map<string, T[]>();
  for (const r of rows) by.set(r.category, [...(by.get(r.category) ?? []), r]);
  const queues = [...by.values()];
  const out: T[] = [];
  for (let i = 0; out.length < n && queues.some((q) => i < q.length); i++) for (const q of queues) if (i < q.length && out.length < n) out.push(q[i]!);
  return out;
}
