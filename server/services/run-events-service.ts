// The event log of a run, derived from rows the run already writes (no log table): created, started, each epoch
// closed and tasks injected and retired by reason, evaluations (all three as the run's RunAggregate keeps them from
// Step, PoolEntry and Evaluation), and how it stands now (paused, cancelled or failed with its reason, finished).
// Epochs and steps are 1-based, as everywhere in the UI.
import type { Db } from "../db";
import { AppError } from "../errors";
import { AGGREGATE_JOIN, FRESHNESS_COLUMNS, POOL_SET, readFresh, type Freshness, type PoolGroup } from "./monitor/run-aggregate";

export type TRunEvent = { at: Date | null; kind: "created" | "started" | "epoch" | "injected" | "retired" | "evaluation" | "paused" | "cancelled" | "failed" | "finished"; text: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

type EventsRow = Freshness & {
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  status: string;
  statusReason: string | null;
  error: string | null;
  /** each closed epoch's done steps and when the last finished (ms), and the pool's counts, from RunAggregate.pool */
  epochsClosed: { epoch: number; steps: number; lastFinishedMs: number | null }[] | null;
  groups: PoolGroup[] | null;
  /** RunAggregate.evaluations: with the finish time of the step each one follows (ms; null before training or for a step not finished) */
  evaluations: { stepIndex: number; split: string; score: number; n: number; createdAtMs: number; stepDoneMs: number | null }[] | null;
};

export async function listRunEvents({ db, runId }: { db: Db; runId: string }): Promise<TRunEvent[]> {
  // One primary-key lookup: the run and its aggregate's pool part (rewritten when an epoch closes) and evaluations
  // (rewritten when one is stored and when a step closes).
  const [run] = await readFresh(
    db,
    () => db.$queryRaw<EventsRow[]>`
      SELECT ${FRESHNESS_COLUMNS}, r."createdAt", r."startedAt", r."finishedAt", r."updatedAt", r.status::text AS status, r."statusReason", r.error,
        a.pool->'epochsClosed' AS "epochsClosed", a.pool->'groups' AS groups, a.evaluations
      FROM "Run" r ${AGGREGATE_JOIN} WHERE r.id = ${runId}`,
  );
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
  const groups = run.groups ?? [];
  const dateOf = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms));
  const injected = new Map<number, number>();
  for (const g of groups) if (g.set === POOL_SET.entered && !g.isSeed && g.enteredEpoch !== null) injected.set(g.enteredEpoch, (injected.get(g.enteredEpoch) ?? 0) + g.n);
  const retired = new Map<number, Map<string | null, number>>();
  for (const g of groups) {
    if (g.set !== POOL_SET.left || g.leftEpoch === null) continue;
    const byReason = retired.get(g.leftEpoch) ?? new Map<string | null, number>();
    byReason.set(g.retireReason, (byReason.get(g.retireReason) ?? 0) + g.n);
    retired.set(g.leftEpoch, byReason);
  }
  const ascending = <V>(m: Map<number, V>) => [...m].sort(([a], [b]) => a - b);
  // Injections and retirements carry no time of their own: they happen when their epoch closes.
  const epochsClosed = (run.epochsClosed ?? []).filter((e) => e.epoch < run.currentEpoch);
  const closedAt = new Map(epochsClosed.map((e) => [e.epoch, dateOf(e.lastFinishedMs)]));
  const events: TRunEvent[] = [{ at: run.createdAt, kind: "created", text: "Run created" }];
  if (run.startedAt) events.push({ at: run.startedAt, kind: "started", text: "Run started" });
  for (const e of epochsClosed) events.push({ at: dateOf(e.lastFinishedMs), kind: "epoch", text: `Epoch ${e.epoch + 1} closed after ${plural(e.steps, "step")}` });
  for (const [epoch, n] of ascending(injected)) {
    events.push({ at: closedAt.get(epoch - 1) ?? null, kind: "injected", text: `${plural(n, "synthesized task")} injected for epoch ${epoch + 1}` });
  }
  for (const [epoch, byReason] of ascending(retired)) {
    const reasons = [...byReason].sort(([a], [b]) => (a ?? "~").localeCompare(b ?? "~"));
    const total = reasons.reduce((n, [, count]) => n + count, 0);
    const parts = reasons.map(([reason, count]) => `${count} ${reason ?? "without a reason"}`);
    events.push({ at: closedAt.get(epoch) ?? null, kind: "retired", text: `${plural(total, "task")} retired in epoch ${epoch + 1} (${parts.join(", ")})` });
  }
  // Evaluation.stepIndex counts the steps done before it (0 = before training): it is placed at the close of that
  // step, as its own row may be written later (the final evaluation, an external trainer's).
  for (const e of run.evaluations ?? []) {
    const when = e.stepIndex === 0 ? "before training" : `after step ${e.stepIndex}`;
    const at = e.stepIndex === 0 ? (run.startedAt ?? new Date(e.createdAtMs)) : (dateOf(e.stepDoneMs) ?? new Date(e.createdAtMs));
    events.push({ at, kind: "evaluation", text: `${e.split === "test" ? "Held-out" : e.split} evaluation ${when}: ${(e.score * 100).toFixed(1)} % of ${e.n} tasks` });
  }
  if (run.status === "paused") events.push({ at: run.updatedAt, kind: "paused", text: `Paused${run.statusReason ? `: ${run.statusReason}` : ""}` });
  if (run.status === "cancelled") events.push({ at: run.finishedAt ?? run.updatedAt, kind: "cancelled", text: `Cancelled${run.statusReason ? `: ${run.statusReason}` : ""}` });
  if (run.status === "failed") events.push({ at: run.finishedAt ?? run.updatedAt, kind: "failed", text: `Failed${run.error ? `: ${run.error}` : ""}` });
  if (run.status === "completed") events.push({ at: run.finishedAt, kind: "finished", text: "Run finished" });
  // Oldest first; an event whose time is unknown goes last.
  return events.sort((a, b) => (a.at?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.at?.getTime() ?? Number.MAX_SAFE_INTEGER));
}
