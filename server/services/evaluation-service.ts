// Held-out evaluation: the test split rolled out once per task (greedy for the simulated learner), scored by the
// verifier, stored per category and overall (binary success = BFCL accuracy, and mean progress reward).
import type { Db } from "../db";
import type { TRunConfig } from "../rods/config";
import { hashSeed } from "../rods/random";
import { policyForEvaluation } from "./policy-store";
import { rolloutAndScore } from "./rollout-service";
import { rolloutTaskSelect, toRolloutTask } from "./task-mapping";

export async function runEvaluation({ db, runId, stepIndex, epoch }: { db: Db; runId: string; stepIndex: number; epoch: number }): Promise<number> {
  if ((await db.evaluation.count({ where: { runId, stepIndex } })) > 0) return 0;
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, config: true, datasetId: true } });
  if (!run || run.status === "cancelled") return 0;
  const config = run.config as unknown as TRunConfig;
  const rows = await db.task.findMany({
    where: { datasetId: run.datasetId, split: "test", origin: { in: ["seed", "imported"] } },
    select: { ...rolloutTaskSelect, scenarioIndex: true },
    orderBy: [{ category: "asc" }, { scenarioIndex: "asc" }, { externalId: "asc" }],
  });
  const tasks = (config.evalLimit ? spread(rows, config.evalLimit) : rows).map(toRolloutTask);
  const policy = await policyForEvaluation({ db, runId, stepIndex, config });
  // BFCL's scoring: one greedy rollout per task (temperature 0 for a model, the likeliest decision for the learner).
  const isGreedy = true;
  const results = await Promise.all(
    tasks.map(async (task) => ({ task, scored: await rolloutAndScore({ policy, task, sample: 0, seed: hashSeed(config.seed, "eval", stepIndex, task.id), isGreedy }) })),
  );
  const groups = new Map<string, { success: number; progress: number; n: number }>();
  for (const { task, scored } of results) {
    if (scored.reward === null) continue; // infrastructure failures are not scores
    for (const key of [task.category, "overall"]) {
      const g = groups.get(key) ?? { success: 0, progress: 0, n: 0 };
      g.success += scored.success ? 1 : 0;
      g.progress += scored.reward;
      g.n += 1;
      groups.set(key, g);
    }
  }
  const created = await db.evaluation.createMany({
    data: [...groups].map(([category, g]) => ({ runId, stepIndex, epoch, split: "test", category, score: g.success / g.n, progress: g.progress / g.n, n: g.n })),
    skipDuplicates: true,
  });
  return created.count;
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
