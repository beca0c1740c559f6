// "Run again with these settings": the clone source is the run's own settings (every one of them), and a run
// created from it has the same settings; a missing run is a clear 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { disconnectDb } from "../db";
import type { JobSender } from "../jobs/contract";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { getRunCloneConfig } from "./run-clone-service";
import { createRun, getRun } from "./runs-service";

const db = testDb();
const noJobs: JobSender = { send: async () => undefined };

describe("cloning a run's settings", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  });
  afterAll(() => disconnectDb());

  it("gives back the run's settings, and a run made from them has the same settings", async () => {
    const first = await createRun({ db, jobs: noJobs, name: "β sweep 0.3", config: { mode: "rods", epochs: 3, k: 6, batchSize: 4, limitSeeds: 8, evalLimit: 4, beta: 0.3, seed: 11 } });
    const source = await getRunCloneConfig({ db, id: first.id });
    expect(source.name).toBe("β sweep 0.3 (again)");
    expect(source.config).toMatchObject({ mode: "rods", epochs: 3, k: 6, batchSize: 4, limitSeeds: 8, beta: 0.3, seed: 11 });
    expect(source.config).toEqual(first.config);

    const again = await createRun({ db, jobs: noJobs, name: source.name, config: { ...source.config, k: 8 } });
    const stored = await getRun({ db, id: again.id });
    expect(stored.config).toEqual({ ...first.config, k: 8 });
    expect(stored.name).toBe("β sweep 0.3 (again)");
  });

  it("answers NOT_FOUND for a run that does not exist", async () => {
    await expect(getRunCloneConfig({ db, id: "no-such-run" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
