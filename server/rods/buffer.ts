// Replay buffer lifecycle as pure decisions (DESIGN.md §1): the orchestrator applies them in the database.
import { createRng, hashSeed } from "./random";

export type RetireReason = "burn_in" | "mastered" | "unsolvable" | "pruned";

export interface StagedTask {
  taskId: string;
  stagedStep: number;
}

export interface PlanInjectionOptions {
  staged: readonly StagedTask[];
  /** tasks active now (seeds and synthesized) */
  activeCount: number;
  /** synthesized tasks active now */
  activeSynthesizedCount?: number;
  /** share of the active pool that may enter per epoch */
  beta: number;
  /** P_max: synthesized tasks allowed in the active pool */
  pMax?: number;
  /**
   * true when the mode prunes over P_max right after injection (pruneOverPMax): fresh tasks may then enter and the
   * lowest-φ observed ones leave; false (no_retirement, no_refresh) caps injection at the room left under P_max.
   */
  canPrune?: boolean;
}

export interface InjectionPlan {
  inject: string[];
  keepStaged: string[];
}

/** Tasks entering the pool per epoch: floor(β · active), at least 1 when β > 0 and the pool is not empty. */
export function injectionCap(activeCount: number, beta: number): number {
  if (beta <= 0 || activeCount <= 0) return 0;
  // The small epsilon keeps e.g. 0.29 · 100 = 28.999999999999996 from rounding down to 28.
  return Math.max(1, Math.floor(beta * activeCount + 1e-9));
}

/**
 * At an epoch boundary: the oldest staged tasks (by stagedStep, then taskId) enter, at most β of the active pool.
 * The invariant "synthesized part of the active pool ≤ P_max" holds after injection either way: a mode that
 * retires prunes back to P_max right after (pruneOverPMax ranks never-observed tasks last, so fresh tasks get
 * observed instead of being blocked by stale ones); a mode that never retires injects only into the room left.
 */
export function planInjection({ staged, activeCount, activeSynthesizedCount = 0, beta, pMax, canPrune = true }: PlanInjectionOptions): InjectionPlan {
  const ordered = [...staged].sort((a, b) => a.stagedStep - b.stagedStep || compareIds(a.taskId, b.taskId)).map((s) => s.taskId);
  let cap = injectionCap(activeCount, beta);
  if (!canPrune && pMax !== undefined) cap = Math.min(cap, Math.max(0, pMax - activeSynthesizedCount));
  return { inject: ordered.slice(0, cap), keepStaged: ordered.slice(cap) };
}

export interface PoolEntryView {
  taskId: string;
  isSeed: boolean;
  enteredEpoch: number;
  /** r̄ of each observation since the task entered the pool, oldest first */
  observations: readonly number[];
}

export interface PlanRetirementsOptions {
  /** the active pool */
  entries: readonly PoolEntryView[];
  burnInThreshold: number;
  driftHigh: number;
  driftLow: number;
  driftWindow: number;
  pMax: number;
  phiOf: (taskId: string) => number;
  /** false in static and no_retirement: nothing retires (pruning included) */
  retires?: boolean;
}

export interface Retirement {
  taskId: string;
  reason: RetireReason;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function driftReason(observations: readonly number[], { driftHigh, driftLow, driftWindow }: PlanRetirementsOptions): RetireReason | null {
  if (driftWindow < 1 || observations.length < driftWindow) return null;
  const recent = observations.slice(-driftWindow);
  const mean = recent.reduce((a, r) => a + r, 0) / recent.length;
  if (mean > driftHigh) return "mastered";
  if (mean < driftLow) return "unsolvable";
  return null;
}

/**
 * Retirements at an epoch end, one reason per task, rules in order: burn-in (synthesized, first observation below
 * the threshold), drift (any task, mean of the last driftWindow observations above driftHigh or below driftLow),
 * then pruning of synthesized tasks above P_max, lowest φ first. Pruning order among candidates: observed before
 * never-observed (they have no φ yet), then φ ascending, then older entry first, then taskId.
 */
export function planRetirements(options: PlanRetirementsOptions): Retirement[] {
  const { entries, burnInThreshold, pMax, phiOf, retires = true } = options;
  if (!retires) return [];
  const retirements: Retirement[] = [];
  const survivors: PoolEntryView[] = [];
  for (const e of entries) {
    const first = e.observations[0];
    const reason = !e.isSeed && first !== undefined && first < burnInThreshold ? "burn_in" : driftReason(e.observations, options);
    if (reason) retirements.push({ taskId: e.taskId, reason });
    else survivors.push(e);
  }
  retirements.push(...pruneOverPMax({ entries: survivors, pMax, phiOf }));
  return retirements;
}

/**
 * Pruning alone: synthesized tasks above P_max leave, lowest φ first. Order among candidates: observed before
 * never-observed (they have no φ yet), then φ ascending, then older entry first, then taskId.
 */
export function pruneOverPMax({ entries, pMax, phiOf }: { entries: readonly PoolEntryView[]; pMax: number; phiOf: (taskId: string) => number }): Retirement[] {
  const synthesized = entries.filter((e) => !e.isSeed);
  const excess = synthesized.length - Math.max(0, pMax);
  if (excess <= 0) return [];
  const ranked = synthesized
    .map((e) => ({ e, isObserved: e.observations.length > 0, phi: phiOf(e.taskId) }))
    .sort(
      (a, b) =>
        Number(b.isObserved) - Number(a.isObserved) ||
        a.phi - b.phi ||
        a.e.enteredEpoch - b.e.enteredEpoch ||
        compareIds(a.e.taskId, b.e.taskId),
    );
  return ranked.slice(0, excess).map(({ e }) => ({ taskId: e.taskId, reason: "pruned" as const }));
}

/** The pool's task order for one epoch: a shuffle fixed by the run seed and the epoch, whatever the input order. */
export function epochOrder({ taskIds, epoch, runSeed }: { taskIds: readonly string[]; epoch: number; runSeed: number }): string[] {
  const sorted = [...taskIds].sort(compareIds);
  return createRng(hashSeed(runSeed, "epoch-order", epoch)).shuffle(sorted);
}

/** Consecutive batches of at most batchSize; the last one may be shorter. */
export function batchesOf<T>(order: readonly T[], batchSize: number): T[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchesOf: batch size must be a positive integer, got ${batchSize}`);
  const batches: T[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/**
 * Batches of exactly batchSize (for budgeted runs, so that equal steps mean equal rollouts in every mode): a short
 * last batch is topped up with the epoch's first tasks that it does not hold yet. A pool smaller than one batch
 * stays one short batch.
 */
export function fullBatchesOf(order: readonly string[], batchSize: number): string[][] {
  const batches = batchesOf(order, batchSize);
  const last = batches.at(-1);
  if (!last || batches.length < 2 || last.length === batchSize) return batches;
  const held = new Set(last);
  for (const taskId of order) {
    if (last.length >= batchSize) break;
    if (!held.has(taskId)) {
      last.push(taskId);
      held.add(taskId);
    }
  }
  return batches;
}
