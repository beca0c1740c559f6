// The replay buffer per epoch: injections against the β cap, retirements by reason, the pool now.
import type { Db } from "../../db";
import { injectionCap } from "../../rods/buffer";
import { modeFlags, type TRunConfig } from "../../rods/config";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, POOL_SET, readFresh, type Freshness, type PoolGroup } from "./run-aggregate";
import { runNotFound } from "./run-lookup";

export interface BufferEpochRow {
  epoch: number;
  /** synthesized tasks that entered the pool at the start of this epoch; null for epoch 0 (no injection before it) */
  injected: number | null;
  /** the β cap at that injection: max(1, floor(β · active pool after the previous epoch's retirements)) */
  betaCap: number | null;
  /** retired at the close of this epoch, by reason; null while the epoch has not closed */
  retired: { burn_in: number; mastered: number; unsolvable: number; pruned: number } | null;
  /** synthesized tasks in the active pool during this epoch */
  synthesizedActive: number;
  active: number;
}

export interface BufferLifecycle {
  synthesizes: boolean;
  retires: boolean;
  pMax: number;
  beta: number;
  epochs: BufferEpochRow[];
  now: { staged: number; activeSeeds: number; activeSynthesized: number; retired: number };
}

export async function getBufferLifecycle({ db, runId }: { db: Db; runId: string }): Promise<BufferLifecycle> {
  // The run's pool counted three ways (entered, left, state; told apart by GROUPING()'s bitmask) is kept in its
  // RunAggregate; the per-epoch running totals are sums over those few rows.
  const [row] = await readFresh(
    db,
    () => db.$queryRaw<(Freshness & { config: TRunConfig; pool: { groups: PoolGroup[] } })[]>`
      SELECT ${FRESHNESS_COLUMNS}, r.config, a.pool FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  if (!row) throw runNotFound(runId);
  const groups = row.pool.groups;
  const run = row;
  const flags = modeFlags(run.config.mode);
  const entered = groups.filter((g) => g.set === POOL_SET.entered && g.enteredEpoch !== null).map((g) => ({ enteredEpoch: g.enteredEpoch, isSeed: g.isSeed, _count: { _all: g.n } }));
  const left = groups
    .filter((g) => g.set === POOL_SET.left && g.leftEpoch !== null)
    .map((g) => ({ leftEpoch: g.leftEpoch, isSeed: g.isSeed, retireReason: g.retireReason, _count: { _all: g.n } }));
  const states = groups.filter((g) => g.set === POOL_SET.state).map((g) => ({ state: g.state, isSeed: g.isSeed, _count: { _all: g.n } }));
  const lastEpoch = Math.min(run.currentEpoch, run.config.epochs - 1);
  const sum = <T>(rows: T[], pick: (r: T) => boolean, count: (r: T) => number) => rows.filter(pick).reduce((n, r) => n + count(r), 0);
  const enteredN = (r: (typeof entered)[number]) => r._count._all;
  const leftN = (r: (typeof left)[number]) => r._count._all;
  const epochs: BufferEpochRow[] = [];
  for (let e = 0; e <= lastEpoch; e++) {
    const activeDuring = (onlySynth: boolean) =>
      sum(entered, (r) => r.enteredEpoch! <= e && (!onlySynth || !r.isSeed), enteredN) - sum(left, (r) => r.leftEpoch! < e && (!onlySynth || !r.isSeed), leftN);
    const activeBefore = sum(entered, (r) => r.enteredEpoch! <= e - 1, enteredN) - sum(left, (r) => r.leftEpoch! <= e - 1, leftN);
    const isClosed = e < run.currentEpoch;
    const retiredOf = (reason: string) => sum(left, (r) => r.leftEpoch === e && r.retireReason === reason, leftN);
    epochs.push({
      epoch: e,
      injected: e === 0 ? null : sum(entered, (r) => r.enteredEpoch === e && !r.isSeed, enteredN),
      betaCap: e === 0 || !flags.synthesizes ? null : injectionCap(activeBefore, run.config.beta),
      retired: isClosed ? { burn_in: retiredOf("burn_in"), mastered: retiredOf("mastered"), unsolvable: retiredOf("unsolvable"), pruned: retiredOf("pruned") } : null,
      synthesizedActive: activeDuring(true),
      active: activeDuring(false),
    });
  }
  const stateCount = (state: string, isSeed?: boolean) => sum(states, (r) => r.state === state && (isSeed === undefined || r.isSeed === isSeed), (r) => r._count._all);
  return {
    synthesizes: flags.synthesizes,
    retires: flags.retires,
    pMax: run.config.pMax,
    beta: run.config.beta,
    epochs,
    now: { staged: stateCount("staged"), activeSeeds: stateCount("active", true), activeSynthesized: stateCount("active", false), retired: stateCount("retired") },
  };
}
