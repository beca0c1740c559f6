// What RODS knows about a task from its ground truth alone: the structure profile and whether the ground truth
// replays to full progress reward on its own (upstream data defects do not).
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import { structureProfileOf, type StructureProfile } from "../envs/bfcl/structure";
import { prepareGroundTruth, verifyTrajectory } from "../envs/bfcl/verifier";
import { parsedToToolCall } from "../envs/bfcl/bfcl-env";

export interface TaskAnalysis {
  structure: StructureProfile;
  dependencyDepth: number;
  gtReplayOk: boolean;
  gtReplayReason: string | null;
}

export function analyseTask(task: {
  involvedClasses: string[];
  initialConfig: Record<string, Record<string, unknown>>;
  longContext: boolean;
  groundTruth: GroundTruthCall[][];
}): TaskAnalysis {
  const entry = { involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext, groundTruth: task.groundTruth.map((t) => t.map((c) => c.source)) };
  const prepared = prepareGroundTruth(entry);
  const structure = structureProfileOf(prepared);
  const replay = verifyTrajectory({ entry, prepared, modelCalls: prepared.turns.map((t) => t.calls.map(parsedToToolCall)) });
  const reasons: string[] = [];
  replay.turns.forEach((t, i) => {
    if (!(t.stateOk && t.execOk)) reasons.push(`turn ${i + 1}: ${t.reason ?? "not ok"}`);
  });
  // A ground-truth call that fails is a defect even when replaying it "matches" itself.
  for (const e of prepared.errors) reasons.push(`turn ${e.turn + 1}: ${e.call} -> ${e.output.slice(0, 160)}`);
  return {
    structure,
    dependencyDepth: structure.dependencyDepth,
    gtReplayOk: reasons.length === 0,
    gtReplayReason: reasons.length ? reasons.join("; ") : null,
  };
}
