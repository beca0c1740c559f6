// Seed selection: which tasks of a step are handed to synthesis (DESIGN.md §1).
import type { Rng } from "./random";
import type { Region } from "./stats";

export interface SeedCandidate {
  taskId: string;
  category: string;
  mean: number;
  phi: number;
  region: Region;
  /** step at which this task was last a seed in this run, null if never */
  lastSeedStep: number | null;
}

export interface SelectSeedsOptions {
  candidates: readonly SeedCandidate[];
  step: number;
  quotaPerCategory: number;
  cooldownSteps: number;
  /** the random_seeds ablation: uniform over all candidates of a category, any region */
  isRandom: boolean;
  /** needed only when isRandom */
  rng?: Rng;
}

const byTaskId = (a: { taskId: string }, b: { taskId: string }) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0);

export function isOnCooldown(lastSeedStep: number | null, step: number, cooldownSteps: number): boolean {
  return lastSeedStep !== null && cooldownSteps > 0 && step - lastSeedStep <= cooldownSteps;
}

/**
 * Task ids to synthesize from, grouped by category (categories in sorted order). Default: the boundary set, up to
 * the quota per category, highest φ first (ties by taskId), skipping tasks on cooldown.
 */
export function selectSeeds({ candidates, step, quotaPerCategory, cooldownSteps, isRandom, rng }: SelectSeedsOptions): string[] {
  if (quotaPerCategory <= 0) return [];
  if (isRandom && !rng) throw new Error("selectSeeds: random seed selection needs an rng");
  const byCategory = new Map<string, SeedCandidate[]>();
  for (const c of candidates) {
    if (!isRandom && c.region !== "boundary") continue;
    if (isOnCooldown(c.lastSeedStep, step, cooldownSteps)) continue;
    byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  }
  const seeds: string[] = [];
  for (const category of [...byCategory.keys()].sort()) {
    // Sorting by taskId first makes the result independent of the order the candidates came in.
    const pool = [...byCategory.get(category)!].sort(byTaskId);
    const ordered = isRandom ? rng!.shuffle(pool) : pool.sort((a, b) => b.phi - a.phi || byTaskId(a, b));
    seeds.push(...ordered.slice(0, quotaPerCategory).map((c) => c.taskId));
  }
  return seeds;
}
