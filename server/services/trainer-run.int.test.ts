// A trainer-driven run on the real queue: the test plays the trainer (claims, rolls out through sessions or submits
// calls), RODS scores, aggregates, synthesizes and moves the pool, and held-out evaluation is claimed as work too.
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { testDb } from "../../test/db";
import { expectCompleteGroups, useLoopWorker } from "../../test/run-helpers";
import { createEnvSession, executeSessionCalls, finishEnvSession, nextSessionTurn } from "./env-session-service";
import { createRun } from "./runs-service";
import { resolveTask } from "./task-lookup";
import { claimWork, submitRollout, type TrainerWork } from "./trainer-run-service";

const db = testDb();
const config = { mode: "rods", rollouts: "trainer", epochs: 2, k: 2, batchSize: 6, limitSeeds: 12, evalLimit: 8, evalEveryEpochs: 1, seedQuotaPerCategory: 2, cooldownSteps: 0, seed: 3 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof AppError ? error.code : `thrown: ${String(error)}`;
  }
}

async function claimUntilReady(runId: string): Promise<TrainerWork | "ended"> {
  for (let i = 0; i < 600; i++) {
    try {
      const work = await claimWork({ db, runId });
      if (work) return work;
    } catch (error) {
      if (error instanceof AppError && error.code === "CONFLICT") return "ended";
      throw error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no work became ready in 120 s");
}

/** A scripted policy: the ground truth, but an odd sample skips the last turn (rewards in a group differ). */
function scriptedTurns(task: Awaited<ReturnType<typeof resolveTask>>, sample: number) {
  const turns = task.groundTruth.map((turn) => turn.map((c) => ({ name: c.name, arguments: c.args })));
  return sample % 2 === 1 ? turns.slice(0, -1) : turns;
}

describe("trainer-driven runs", () => {
  const worker = useLoopWorker(db);

  it("plays two epochs end to end: claims, sessions and submitted calls, evaluation, aggregation and synthesis", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config });
    const kinds: string[] = [];
    let useSessions = true;
    for (;;) {
      const work = await claimUntilReady(run.id);
      if (work === "ended") break;
      kinds.push(`${work.kind}:${work.step}`);
      // Claiming again before the work is done returns the same work.
      expect(await claimWork({ db, runId: run.id })).toEqual(work);
      for (const item of work.tasks) {
        const task = await resolveTask({ db, taskId: item.taskId });
        for (let sample = 0; sample < work.k; sample++) {
          if (useSessions) {
            const session = await createEnvSession({ db, taskId: item.externalId, run: { runId: run.id, stepIndex: work.step, sample } });
            const turns = scriptedTurns(task, sample);
            for (let t = 0; t < turns.length; t++) {
              if (t > 0) await nextSessionTurn({ db, sessionId: session.sessionId });
              await executeSessionCalls({ db, sessionId: session.sessionId, calls: turns[t]! });
            }
            const score = await finishEnvSession({ db, sessionId: session.sessionId });
            expect(score.stored).toBe(true);
            expect(score.reward).toBe(sample % 2 === 1 && work.kind === "train" ? (task.turns.length - 1) / task.turns.length : sample % 2 === 1 ? expect.any(Number) : 1);
          } else {
            const scored = await submitRollout({ db, runId: run.id, stepIndex: work.step, taskId: item.taskId, sample, turns: scriptedTurns(task, sample) });
            expect(scored.duplicate).toBe(false);
            // The same (step, task, sample) again: the stored score, nothing written.
            const again = await submitRollout({ db, runId: run.id, stepIndex: work.step, taskId: item.taskId, sample, turns: [] });
            expect(again).toMatchObject({ duplicate: true, reward: scored.reward });
          }
        }
        useSessions = !useSessions;
      }
      if (work.kind === "train") {
        // A task outside the claimed step is refused.
        const outsider = await db.task.findFirstOrThrow({ where: { split: "train", id: { notIn: work.tasks.map((t) => t.taskId) } }, select: { id: true } });
        const before = await db.rollout.count({ where: { runId: run.id } });
        expect(await codeOf(submitRollout({ db, runId: run.id, stepIndex: work.step, taskId: outsider.id, sample: 0, turns: [] }))).toBe("CONFLICT");
        expect(await db.rollout.count({ where: { runId: run.id } })).toBe(before);
        // So is a session for it, before anything is written; and a sample beyond K.
        const sessions = await db.envSession.count();
        expect(await codeOf(createEnvSession({ db, taskId: outsider.id, run: { runId: run.id, stepIndex: work.step, sample: 0 } }))).toBe("CONFLICT");
        expect(await codeOf(createEnvSession({ db, taskId: work.tasks[0]!.taskId, run: { runId: run.id, stepIndex: work.step, sample: work.k } }))).toBe("BAD_REQUEST");
        expect(await db.envSession.count()).toBe(sessions);
      }
    }
    const finished = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, currentEpoch: true } });
    expect(finished).toEqual({ status: "completed", currentEpoch: 2 });
    await expectCompleteGroups(db, run.id, config.k);
    const steps = await db.step.findMany({ where: { runId: run.id }, select: { index: true, epoch: true, informativeFraction: true, taskIds: true }, orderBy: { index: "asc" } });
    expect(steps.length).toBeGreaterThanOrEqual(4);
    // Odd samples skip a turn, so multi-turn groups have spread: aggregation saw informative tasks.
    expect(steps.some((s) => (s.informativeFraction ?? 0) > 0)).toBe(true);
    expect(await db.taskStepStat.count({ where: { runId: run.id } })).toBe(steps.reduce((n, s) => n + s.taskIds.length, 0));
    expect(await db.synthesisAttempt.count({ where: { runId: run.id } })).toBeGreaterThan(0);
    // Held-out evaluation before the first epoch, after each epoch (E = 1): claimed first, scored by our verifier.
    const evaluations = await db.evaluation.findMany({ where: { runId: run.id, category: "overall" }, select: { stepIndex: true, n: true, score: true }, orderBy: { stepIndex: "asc" } });
    expect(evaluations.map((e) => e.stepIndex)).toEqual([0, steps.find((s) => s.epoch === 1)!.index, steps.length]);
    for (const e of evaluations) expect(e).toMatchObject({ n: 8, score: 1 });
    expect(kinds[0]).toBe("eval:0");
    expect(kinds.at(-1)).toBe(`eval:${steps.length}`);
    expect(await codeOf(claimWork({ db, runId: run.id }))).toBe("CONFLICT");
  });

  it("refuses claims on a run that RODS rolls out itself", async () => {
    const run = await createRun({ db, jobs: worker.jobs(), config: { ...config, rollouts: "rods", epochs: 1 } });
    expect(await codeOf(claimWork({ db, runId: run.id }))).toBe("CONFLICT");
    expect(await codeOf(claimWork({ db, runId: "no-such-run" }))).toBe("NOT_FOUND");
    await db.run.update({ where: { id: run.id }, data: { status: "cancelled" } });
  });
});
