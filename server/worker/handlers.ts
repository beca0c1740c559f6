// Job handlers: validate the payload again, then call one service.
import type PgBoss from "pg-boss";
import { JOBS, ZImportTasksPayload } from "../jobs/contract";
import { getDb } from "../db";
import { importTaskFolder, updateImportProgress } from "../services/import-service";

export async function registerHandlers(boss: PgBoss, { concurrency }: { concurrency: number }): Promise<void> {
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
  void concurrency; // rollout and synthesis handlers use it
}
