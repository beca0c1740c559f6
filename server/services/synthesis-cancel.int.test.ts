// Cancelling a run is not a synthesis failure: attempts of a cancelled run end as "cancelled", outside the error
// counts of the monitor and the run summary.
import { afterAll, describe, expect, it } from "vitest";
import { testDb } from "../../test/db";
import { fillSyntheticRun } from "../../test/fixtures/synthetic-run";
import { disconnectDb } from "../db";
import { getSynthesisOverview } from "./monitor-service";
import { summarizeRun } from "./run-summary";
import { runSynthesisAttempt } from "./synthesis-service";

const db = testDb();

describe("synthesis of a cancelled run", () => {
  afterAll(async () => {
    await disconnectDb();
  });

  it("ends the run's waiting attempts as cancelled, not as pipeline errors", async () => {
    const run = await fillSyntheticRun({ db, steps: 6, tasks: 12, k: 4, epochs: 2, stepsDone: 3, name: "cancel synthesis" });
    const seed = (await db.poolEntry.findFirstOrThrow({ where: { runId: run.runId, isSeed: true }, select: { taskId: true } })).taskId;
    const before = await getSynthesisOverview({ db, runId: run.runId });
    const attempts = await Promise.all(
      [0, 1, 2].map(() => db.synthesisAttempt.create({ data: { runId: run.runId, stepIndex: 2, seedTaskId: seed, backend: "procedural" }, select: { id: true } })),
    );
    await db.run.update({ where: { id: run.runId }, data: { status: "cancelled", finishedAt: new Date() } });
    for (const a of attempts) expect(await runSynthesisAttempt({ db, attemptId: a.id })).toBeNull();

    const stored = await db.synthesisAttempt.findMany({ where: { id: { in: attempts.map((a) => a.id) } }, select: { outcome: true, errorType: true } });
    expect(stored).toEqual([0, 1, 2].map(() => ({ outcome: "cancelled", errorType: null })));
    const after = await getSynthesisOverview({ db, runId: run.runId });
    expect(after.errors).toEqual(before.errors);
    expect(after.dropped).toBe(before.dropped);
    expect(after.running).toBe(before.running);
    const summary = await summarizeRun({ db, runId: run.runId });
    expect(summary.synthesized.byError.pipeline_exception ?? 0).toBe(before.errors.find((e) => e.errorType === "pipeline_exception")?.count ?? 0);
  });
});
