// Reward statistics of GRPO groups: per-task stats, regions, advantages and per-step aggregates (DESIGN.md §1).

export type Region = "hard" | "boundary" | "mastered";

export interface RegionThresholds {
  alphaMinus: number;
  alphaPlus: number;
}

export interface GroupStats {
  n: number;
  mean: number;
  /** population variance (divided by n) */
  variance: number;
  std: number;
  /** priority φ = 4·r̄·(1 − r̄), clamped to [0, 1] */
  phi: number;
  /** rewards exactly equal to 1 */
  successes: number;
}

/** True when every reward is identical; checked directly so float noise in the mean cannot fake a spread. */
function isConstant(rewards: readonly number[]): boolean {
  return rewards.every((r) => r === rewards[0]);
}

/** Stats of one group of K rewards. An empty group (all rollouts failed for infrastructure reasons) is all zeros. */
export function groupStats(rewards: readonly number[]): GroupStats {
  const n = rewards.length;
  if (n === 0) return { n: 0, mean: 0, variance: 0, std: 0, phi: 0, successes: 0 };
  const mean = rewards.reduce((a, r) => a + r, 0) / n;
  const variance = isConstant(rewards) ? 0 : rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / n;
  const phi = Math.min(1, Math.max(0, 4 * mean * (1 - mean)));
  const successes = rewards.filter((r) => r === 1).length;
  return { n, mean, variance, std: Math.sqrt(variance), phi, successes };
}

/** hard: r̄ < α−; boundary: α− ≤ r̄ ≤ α+; mastered: r̄ > α+. */
export function regionOf(mean: number, { alphaMinus, alphaPlus }: RegionThresholds): Region {
  if (mean < alphaMinus) return "hard";
  if (mean > alphaPlus) return "mastered";
  return "boundary";
}

/** Group-normalised advantages A_k = (R_k − mean) / (std + ε); a zero-variance group gives exact zeros. */
export function grpoAdvantages(rewards: readonly number[], eps = 1e-6): number[] {
  if (rewards.length === 0 || isConstant(rewards)) return rewards.map(() => 0);
  const { mean, std } = groupStats(rewards);
  return rewards.map((r) => (r - mean) / (std + eps));
}

export interface StepGroup {
  taskId: string;
  rewards: readonly number[];
  isSeed: boolean;
}

export type RegionCounts = Record<Region, number>;

export interface StepAggregates {
  /** groups with at least one reward (empty groups are left out of every aggregate) */
  numTasks: number;
  /** share of groups with non-zero variance: the ones that give a gradient */
  informativeFraction: number;
  zeroVarianceGroups: number;
  meanPhi: number;
  /** mean of the per-task means (each task weighs the same, whatever its K) */
  meanReward: number;
  /** share of the summed group std carried by the top ceil(10 %) of tasks by std; 0 when the sum is 0 */
  gradConcentration: number;
  regions: { seed: RegionCounts; synthesized: RegionCounts };
}

const emptyCounts = (): RegionCounts => ({ hard: 0, boundary: 0, mastered: 0 });

export function stepAggregates(groups: readonly StepGroup[], thresholds: RegionThresholds): StepAggregates {
  const regions = { seed: emptyCounts(), synthesized: emptyCounts() };
  const stats = groups.filter((g) => g.rewards.length > 0).map((g) => ({ group: g, stats: groupStats(g.rewards) }));
  const numTasks = stats.length;
  if (numTasks === 0) {
    return { numTasks: 0, informativeFraction: 0, zeroVarianceGroups: 0, meanPhi: 0, meanReward: 0, gradConcentration: 0, regions };
  }
  let zeroVarianceGroups = 0;
  let phiSum = 0;
  let meanSum = 0;
  for (const { group, stats: s } of stats) {
    if (s.variance === 0) zeroVarianceGroups++;
    phiSum += s.phi;
    meanSum += s.mean;
    regions[group.isSeed ? "seed" : "synthesized"][regionOf(s.mean, thresholds)]++;
  }
  const stds = stats.map((s) => s.stats.std).sort((a, b) => b - a);
  const stdSum = stds.reduce((a, s) => a + s, 0);
  const top = Math.ceil(numTasks * 0.1);
  const gradConcentration = stdSum > 0 ? stds.slice(0, top).reduce((a, s) => a + s, 0) / stdSum : 0;
  return {
    numTasks,
    informativeFraction: (numTasks - zeroVarianceGroups) / numTasks,
    zeroVarianceGroups,
    meanPhi: phiSum / numTasks,
    meanReward: meanSum / numTasks,
    gradConcentration,
    regions,
  };
}

/** The training reward of one rollout: progress reward R_P, or binary success in the binary_reward ablation. */
export function rewardOf({ progressReward, success }: { progressReward: number; success: boolean }, isBinaryReward: boolean): number {
  return isBinaryReward ? (success ? 1 : 0) : progressReward;
}
