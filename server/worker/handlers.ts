// Job handlers: validate the payload again, then call one service.
import type PgBoss from "pg-boss";
import { getDb } from "../db";
import { JOBS, ZEvaluatePayload, ZImportTasksPayload, ZRolloutGroupPayload, ZRunAdvancePayload, ZSynthesizePayload } from "../jobs/contract";
import { jobSender, workLocally } from "../jobs/queue";
import { runEvaluation } from "../services/evaluation-service";
import { withUnmeteredShare } from "../services/job-meter";
import { importTaskFolder, updateImportProgress } from "../services/import-service";
import { runRolloutGroup } from "../services/rollout-service";
import { runSynthesisAttempt } from "../services/synthesis-service";
import { driveRun, nudgeRun } from "./drive";

const POLL = { batchSize: 1, pollingIntervalSeconds: 0.5 };
const GROUP_POLLERS_PER_SLOT = 4;

export async function registerHandlers(boss: PgBoss, { concurrency }: { concurrency: number }): Promise<void> {
  const jobs = jobSender(boss);
  // Imports are rare and write in one transaction: one at a time is enough.
  await boss.work(JOBS.importTasks, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    const payload = ZImportTasksPayload.parse(job!.data);
    const db = getDb();
    const summary = await importTaskFolder({
      db,
      dir: payload.dir,
      datasetName: payload.datasetName,
      origin: payload.origin,
      importRunId: payload.importRunId,
      onProgress: (done) => updateImportProgress({ db, importRunId: payload.importRunId, done }),
    });
    console.log(`[worker] imported ${summary.created} new tasks into ${summary.dataset} (${summary.unchanged} already there)`);
    return summary;
  });

  // One driver tick at a time per worker; ticks of one run are serialised by a row lock anyway.
  await boss.work(JOBS.runAdvance, POLL, async ([job]) => {
    const { runId } = ZRunAdvancePayload.parse(job!.data);
    const outcome = (await driveRun({ jobs, runId })) ?? "waiting";
    if (outcome === "advanced") await jobs.send(JOBS.runAdvance, { runId }, { singletonKey: runId });
    if (outcome === "waiting") await jobs.send(JOBS.runAdvance, { runId }, { singletonKey: runId, startAfterSeconds: 1 });
    return { outcome };
  });

  // Rollout groups are fetched two at a time by several pollers, so one slow group holds back one other at most and a
  // fast policy always has groups in hand; the policy's own limit caps requests in flight. A failed group fails its
  // batch, and the retry skips the samples already stored. Local workers: groups queued here wake them at once.
  for (let i = 0; i < concurrency * GROUP_POLLERS_PER_SLOT; i++) {
    await workLocally(boss, JOBS.rolloutGroup, { batchSize: 2, pollingIntervalSeconds: 0.5 }, async (batch) => {
      const payloads = batch.map((job) => ZRolloutGroupPayload.parse(job.data));
      const results = await Promise.allSettled(payloads.map((p) => runRolloutGroup({ db: getDb(), ...p })));
      // The last group of a step finishes the step here and now, and queues the next one (no queue round trip).
      for (const runId of new Set(payloads.map((p) => p.runId))) nudgeRun({ jobs, runId });
      const failure = results.find((r) => r.status === "rejected");
      if (failure) throw (failure as PromiseRejectedResult).reason;
      return results.map((r) => (r as PromiseFulfilledResult<unknown>).value);
    });
  }
  // Synthesis attempts are short and CPU-bound: several per fetch, one after another, so the queue's polling does
  // not become the pace of synthesis.
  await workLocally(boss, JOBS.synthesize, { batchSize: 8, pollingIntervalSeconds: 0.5 }, async (batch) => {
    const outcomes = [];
    let failure: unknown;
    const runIds = new Set<string>();
    for (const job of batch) {
      try {
        const { attemptId, runId } = ZSynthesizePayload.parse(job.data);
        runIds.add(runId);
        const result = await runSynthesisAttempt({ db: getDb(), attemptId });
        outcomes.push({ outcome: result?.outcome ?? "skipped", errorType: result?.errorType });
      } catch (error) {
        failure ??= error;
      }
    }
    // An epoch boundary may be waiting for these attempts (epoch-gate.ts).
    for (const runId of runIds) nudgeRun({ jobs, runId });
    if (failure) throw failure;
    return outcomes;
  });
  await workLocally(boss, JOBS.evaluate, POLL, async ([job]) => {
    const payload = ZEvaluatePayload.parse(job!.data);
    const stored = await withUnmeteredShare(() => runEvaluation({ db: getDb(), ...payload }));
    // A run that waits for this evaluation to finish can finish now.
    nudgeRun({ jobs, runId: payload.runId });
    return { stored };
  });
}
