// Reads a seed's structure: the role of each turn (acting, asking for a missing value or function, idle), the
// class of every ground-truth call, and its dependency depth (structure profile of the executed ground truth).
import { toolSignature } from "../../envs/bfcl/bfcl-env";
import { BFCL_CLASSES } from "../../envs/bfcl/data";
import { structureProfileOf } from "../../envs/bfcl/structure";
import { prepareGroundTruth } from "../../envs/bfcl/verifier";
import type { RolloutTask } from "../../policies/types";
import { SynthesisFailure, type SeedLayout, type SeedTurn, type TurnRole } from "./model";

export function analyseSeed(seed: RolloutTask): SeedLayout {
  const n = seed.groundTruth.length;
  if (n === 0 || seed.turns.length === 0) throw new SynthesisFailure("no_prompts", "the seed has no user turns to synthesize from", "plan");
  if (seed.turns.length !== n) {
    throw new SynthesisFailure("decompose_failed", `the seed has ${seed.turns.length} user turns but ${n} ground-truth turns`, "plan");
  }
  const known = new Set<string>(BFCL_CLASSES);
  for (const cls of seed.involvedClasses) {
    if (!known.has(cls)) throw new SynthesisFailure("func_sample_failed", `no tools are known for class '${cls}'`, "plan");
  }
  const involved = new Set(seed.involvedClasses);
  const releaseTurns = new Set(Object.keys(seed.missedFunctions ?? {}).map(Number));
  const hasCalls = (t: number) => (seed.groundTruth[t]?.length ?? 0) > 0;
  const hasText = (t: number) => (seed.turns[t]?.length ?? 0) > 0;

  const turns: SeedTurn[] = seed.groundTruth.map((calls, t) => {
    const callClasses = calls.map((c) => {
      const cls = toolSignature(c.name)?.className;
      if (!cls || !involved.has(cls)) {
        throw new SynthesisFailure("func_sample_failed", `seed call '${c.name}' belongs to no involved class`, "plan");
      }
      return cls;
    });
    let role: TurnRole = "act";
    if (calls.length === 0) {
      if (seed.category === "miss_func" && releaseTurns.has(t + 1) && hasCalls(t + 1)) role = "ask_func";
      else if (seed.category === "miss_param" && hasText(t) && hasCalls(t + 1) && hasText(t + 1)) role = "ask_param";
      else role = "idle";
    }
    return { index: t, role, isRelease: releaseTurns.has(t) && calls.length > 0, callClasses, seedNames: calls.map((c) => c.name) };
  });
  if (!turns.some((t) => t.role === "act")) throw new SynthesisFailure("no_prompts", "the seed's ground truth has no calls", "plan");

  const heldBackCounts: Record<number, number> = {};
  for (const [turn, names] of Object.entries(seed.missedFunctions ?? {})) heldBackCounts[Number(turn)] = names.length;

  const prepared = prepareGroundTruth({
    involvedClasses: seed.involvedClasses,
    initialConfig: seed.initialConfig,
    longContext: seed.longContext,
    groundTruth: seed.groundTruth.map((turn) => turn.map((c) => c.source)),
  });
  const profile = structureProfileOf(prepared);
  return { turns, classesPerTurn: profile.classesPerTurn, dependencyDepth: profile.dependencyDepth, heldBackCounts };
}

/** Seed turns that form the core task (everything but the ask turns the augment stage re-creates). */
export function coreTurnIndices(layout: SeedLayout): number[] {
  return layout.turns.filter((t) => t.role === "act" || t.role === "idle").map((t) => t.index);
}
