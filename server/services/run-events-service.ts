// The event log of a run, derived from rows the run already writes (no log table): created, started, each epoch
// closed (Steps), tasks injected and retired by reason (PoolEntry), held-out evaluations, and how it stands now
// (paused, cancelled or failed with its reason, finished). Epochs and steps are 1-based, as everywhere in the UI.
import type { Db } from "../db";
import { AppError } from "../errors";

export type TRunEvent = { at: Date | null; kind: "created" | "started" | "epoch" | "injected" | "retired" | "evaluation" | "paused" | "cancelled" | "failed" | "finished"; text: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function listRunEvents({ db, runId }: { db: Db; runId: string }): Promise<TRunEvent[]> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: { createdAt: true, startedAt: true, finishedAt: true, updatedAt: true, status: true, statusReason: true, error: true, currentEpoch: true },
  });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". It may have been deleted; go back to the runs list.`);
  const [epochs, injected, retired, evaluations] = await Promise.all([
    db.step.groupBy({ by: ["epoch"], where: { runId, status: "done" }, _count: { _all: true }, _max: { finishedAt: true } }),
    db.poolEntry.groupBy({ by: ["enteredEpoch"], where: { runId, isSeed: false, enteredEpoch: { not: null } }, _count: { _all: true } }),
    db.poolEntry.groupBy({ by: ["leftEpoch", "retireReason"], where: { runId, leftEpoch: { not: null } }, _count: { _all: true } }),
    db.evaluation.findMany({ where: { runId, category: "overall" }, select: { stepIndex: true, split: true, score: true, n: true, createdAt: true }, orderBy: { stepIndex: "asc" } }),
  ]);
  // Injections and retirements carry no time of their own: they happen when their epoch closes.
  const closedAt = new Map(epochs.map((e) => [e.epoch, e._max.finishedAt]));
  const events: TRunEvent[] = [{ at: run.createdAt, kind: "created", text: "Run created" }];
  if (run.startedAt) events.push({ at: run.startedAt, kind: "started", text: "Run started" });
  for (const e of epochs) {
    if (e.epoch >= run.currentEpoch) continue; // still open
    events.push({ at: e._max.finishedAt, kind: "epoch", text: `Epoch ${e.epoch + 1} closed after ${plural(e._count._all, "step")}` });
  }
  for (const i of injected) {
    const epoch = i.enteredEpoch!;
    events.push({ at: closedAt.get(epoch - 1) ?? null, kind: "injected", text: `${plural(i._count._all, "synthesized task")} injected for epoch ${epoch + 1}` });
  }
  const byEpoch = new Map<number, string[]>();
  for (const r of retired) byEpoch.set(r.leftEpoch!, [...(byEpoch.get(r.leftEpoch!) ?? []), `${r._count._all} ${r.retireReason ?? "without a reason"}`]);
  for (const [epoch, parts] of byEpoch) {
    const total = retired.filter((r) => r.leftEpoch === epoch).reduce((n, r) => n + r._count._all, 0);
    events.push({ at: closedAt.get(epoch) ?? null, kind: "retired", text: `${plural(total, "task")} retired in epoch ${epoch + 1} (${parts.join(", ")})` });
  }
  // Evaluation.stepIndex counts the steps done before it (0 = before training): it is placed at the close of that
  // step, as its own row may be written later (the final evaluation, an external trainer's).
  const evalSteps = await db.step.findMany({ where: { runId, index: { in: evaluations.map((e) => e.stepIndex - 1) } }, select: { index: true, finishedAt: true } });
  const stepDoneAt = new Map(evalSteps.map((s) => [s.index + 1, s.finishedAt]));
  for (const e of evaluations) {
    const when = e.stepIndex === 0 ? "before training" : `after step ${e.stepIndex}`;
    const at = e.stepIndex === 0 ? (run.startedAt ?? e.createdAt) : (stepDoneAt.get(e.stepIndex) ?? e.createdAt);
    events.push({ at, kind: "evaluation", text: `${e.split === "test" ? "Held-out" : e.split} evaluation ${when}: ${(e.score * 100).toFixed(1)} % of ${e.n} tasks` });
  }
  if (run.status === "paused") events.push({ at: run.updatedAt, kind: "paused", text: `Paused${run.statusReason ? `: ${run.statusReason}` : ""}` });
  if (run.status === "cancelled") events.push({ at: run.finishedAt ?? run.updatedAt, kind: "cancelled", text: `Cancelled${run.statusReason ? `: ${run.statusReason}` : ""}` });
  if (run.status === "failed") events.push({ at: run.finishedAt ?? run.updatedAt, kind: "failed", text: `Failed${run.error ? `: ${run.error}` : ""}` });
  if (run.status === "completed") events.push({ at: run.finishedAt, kind: "finished", text: "Run finished" });
  // Oldest first; an event whose time is unknown goes last.
  return events.sort((a, b) => (a.at?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.at?.getTime() ?? Number.MAX_SAFE_INTEGER));
}
