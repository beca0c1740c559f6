// "Run again with these settings": the settings a new run starts from, taken from an existing run. The stored
// config is read through today's schema, so settings added since get their defaults; URLs come without credentials.
import type { Db } from "../db";
import { ZRunConfig } from "../rods/config";
import { getRun } from "./runs-service";

export async function getRunCloneConfig({ db, id }: { db: Db; id: string }) {
  const run = await getRun({ db, id });
  const parsed = ZRunConfig.safeParse(run.config);
  return {
    sourceRunId: run.id,
    name: `${run.name} (again)`,
    /** the stored settings, or as stored when today's schema refuses them (the form then marks the fields) */
    config: (parsed.success ? parsed.data : run.config) as Record<string, unknown>,
  };
}
