// Helpers for integration tests of the loop: wait for a run, and check its bookkeeping.
import { expect } from "vitest";
import type { Db } from "../server/db";

export async function waitForRunStatus(db: Db, runId: string, statuses: string[], timeoutMs: number): Promise<string> {
  let status = "";
  await expect
    .poll(
      async () => {
        status = (await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } })).status;
        return statuses.includes(status);
      },
      { timeout: timeoutMs, interval: 250 },
    )
    .toBe(true);
  return status;
}

/** Every finished step has exactly K rollouts for each of its tasks (none missing, none twice). */
export async function expectCompleteGroups(db: Db, runId: string, k: number) {
  const steps = await db.step.findMany({ where: { runId }, select: { index: true, taskIds: true, status: true, numRollouts: true } });
  expect(steps.length).toBeGreaterThan(0);
  const groups = await db.rollout.groupBy({ by: ["stepIndex", "taskId"], where: { runId }, _count: { _all: true } });
  const count = new Map(groups.map((g) => [`${g.stepIndex}:${g.taskId}`, g._count._all]));
  for (const step of steps) {
    expect(step.status).toBe("done");
    expect(step.numRollouts).toBe(step.taskIds.length * k);
    for (const taskId of step.taskIds) expect(count.get(`${step.index}:${taskId}`)).toBe(k);
  }
  const total = await db.rollout.count({ where: { runId } });
  expect(total).toBe(steps.reduce((n, s) => n + s.taskIds.length * k, 0));
}
