// Prepared ground truth per task, cached in each worker process: executing it once serves every rollout.
import { prepareGroundTruth, type PreparedGroundTruth } from "../envs/bfcl/verifier";
import type { RolloutTask } from "../policies/types";
import { verifierEntryOf } from "./task-mapping";

const cache = new Map<string, PreparedGroundTruth>();
const LIMIT = 4000;

export function preparedGroundTruthOf(task: RolloutTask): PreparedGroundTruth {
  let prepared = cache.get(task.id);
  if (!prepared) {
    prepared = prepareGroundTruth(verifierEntryOf(task));
    cache.set(task.id, prepared);
    if (cache.size > LIMIT) cache.delete(cache.keys().next().value!);
  }
  return prepared;
}
