// Job handlers: validate the payload again, then call one service.
import os from "node:os";
import type PgBoss from "pg-boss";
import { getDb } from "../db";
import { JOBS, ZEvaluatePayload, ZImportTasksPayload, ZRunAdvancePayload, ZSynthesizePayload } from "../jobs/contract";
import { jobSender, workLocally } from "../jobs/queue";
import { runEvaluation } from "../services/evaluation-service";
import { withUnmeteredShare } from "../services/job-meter";
import { importTaskFolder, updateImportProgress } from "../services/import-service";
import { groupsToHoldForRun, runRolloutGroup } from "../services/rollout-service";
import { runSynthesisAttempt } from "../services/synthesis-service";
import { driveRun, nudgeRun } from "./drive";
import { startGroupHand, type GroupHand } from "./group-hand";

const POLL = { batchSize: 1, pollingIntervalSeconds: 0.5 };
/** Runs whose group cap this process knows (a run's config does not change C or K); cleared when it grows large. */
const MAX_CACHED_CAPS = 1_000;

export async function registerHandlers(
  boss: PgBoss,
  { concurrency, workerId = `${os.hostname()}:${process.pid}` }: { concurrency: number; workerId?: string },
): Promise<{ groups: GroupHand }> {
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

  // Rollout groups: this process holds what fills each run's policy concurrency plus a small reserve (group-hand.ts);
  // the policy's own limit caps requests in flight. Each group is its own job: a failed one is retried alone, and
  // the retry skips the samples already stored.
  const caps = new Map<string, number>();
  const groups = startGroupHand({
    boss,
    workerId,
    async capOf(runId) {
      const known = caps.get(runId);
      if (known !== undefined) return known;
      const cap = await groupsToHoldForRun({ db: getDb(), runId, workerSlots: concurrency });
      if (caps.size >= MAX_CACHED_CAPS) caps.clear();
      caps.set(runId, cap);
      return cap;
    },
    async run(payload) {
      try {
        return await runRolloutGroup({ db: getDb(), ...payload });
      } finally {
        // The last group of a step finishes the step here and now, and queues the next one (no queue round trip).
        nudgeRun({ jobs, runId: payload.runId });
      }
    },
  });
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
  return { groups };
}
