// Review of synthesized tasks (runs with reviewPolicy "manual"): the queue of pending tasks beside their seeds,
// approve, reject with a reason, edit the user turns (re-validated by the synthesis gates), bulk approve, and the
// history of every decision with who and when.
//
// What a decision does to the pool: approving sets reviewState "approved", so the run's staged PoolEntry is
// injected at a later epoch boundary (the loop injects only staged entries whose task is approved or needs no
// review). Rejecting sets "rejected" and leaves the PoolEntry staged: the loop never injects it, and retirement
// stays reserved for tasks that were in the pool (every retirement has one of the loop's reasons).
import type { Db } from "../db";
import { contentHashOf, type GroundTruthCall } from "../envs/bfcl/dataset";
import { toolDoc } from "../envs/bfcl/tool-docs";
import { prepareGroundTruth } from "../envs/bfcl/verifier";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { argumentLimitsGate, toolsAvailableGate, userTextGate } from "../synthesis/pipeline/gates";
import type { ExecutedCall } from "../synthesis/pipeline/model";
import { heuristicVerdict } from "../synthesis/pipeline/text-checks";
import type { GateResult, SynthesizedTask } from "../synthesis/types";
import { structuresOf, type StructureView } from "./lineage-service";
import { refreshSynthesisOf } from "./monitor/step-aggregates";
import { analyseTask } from "./task-analysis";

/** Longest user turn an edit may write; synthesized turns are a few sentences. */
export const MAX_TURN_TEXT = 2_000;
export const MAX_BULK = 200;

type UserTurns = { role: "user"; content: string }[][];

const reviewTaskSelect = {
  id: true,
  externalId: true,
  category: true,
  involvedClasses: true,
  numTurns: true,
  turns: true,
  groundTruth: true,
  missedFunctions: true,
  structure: true,
  dependencyDepth: true,
  origin: true,
  status: true,
  reviewState: true,
  gtReplayOk: true,
  contentHash: true,
  createdAt: true,
} satisfies Prisma.TaskSelect;

const reviewRowSelect = {
  id: true,
  decision: true,
  reason: true,
  previous: true,
  createdAt: true,
  user: { select: { id: true, name: true, email: true } },
} satisfies Prisma.ReviewSelect;

type TaskRow = Prisma.TaskGetPayload<{ select: typeof reviewTaskSelect }>;

function toTaskView(row: TaskRow, structure: StructureView) {
  return {
    ...row,
    turns: row.turns as unknown as UserTurns,
    groundTruth: row.groundTruth as unknown as GroundTruthCall[][],
    missedFunctions: row.missedFunctions as Record<string, string[]>,
    structure,
    dependencyDepth: row.dependencyDepth ?? structure.dependencyDepth,
  };
}
export type ReviewTaskView = ReturnType<typeof toTaskView>;

/** Only tasks in a run's pool when runId is given. */
function reviewWhere(runId?: string, category?: string): Prisma.TaskWhereInput {
  return { origin: "synthesized", ...(runId ? { poolEntries: { some: { runId } } } : {}), ...(category ? { category } : {}) };
}

/** Reviewers' emails are personal data: shown to signed-in users only. */
function hideEmail<T extends { user: { id: string; name: string; email: string } }>(row: T, canSeeEmails: boolean) {
  return { ...row, user: { ...row.user, email: canSeeEmails ? row.user.email : null } };
}

export async function listReviewQueue({ db, runId, category, limit = 50, canSeeEmails = false }: { db: Db; runId?: string; category?: string; limit?: number; canSeeEmails?: boolean }) {
  const where: Prisma.TaskWhereInput = { ...reviewWhere(runId, category), reviewState: "pending" };
  const [rows, total] = await Promise.all([ // two plain reads: a transaction would hold a connection longer for nothing
    db.task.findMany({
      where,
      select: {
        ...reviewTaskSelect,
        parent: { select: reviewTaskSelect },
        childAttempts: {
          select: { id: true, backend: true, runId: true, stepIndex: true, gateResults: true, judgeVerdict: true, configPatches: true, run: { select: { name: true, status: true } } },
          take: 1,
        },
        reviews: { select: reviewRowSelect, orderBy: { createdAt: "desc" } },
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: limit,
    }),
    db.task.count({ where }),
  ]);
  const structures = await structuresOf(db, rows.flatMap((r) => (r.parent ? [r, r.parent] : [r])));
  const items = rows.map(({ parent, childAttempts, reviews, ...task }) => {
    const attempt = childAttempts[0];
    return {
      task: toTaskView(task, structures.get(task.id)!),
      seed: parent ? toTaskView(parent, structures.get(parent.id)!) : null,
      attempt: attempt
        ? {
            id: attempt.id,
            backend: attempt.backend,
            runId: attempt.runId,
            runName: attempt.run?.name ?? null,
            runStatus: attempt.run?.status ?? null,
            stepIndex: attempt.stepIndex,
            gateResults: (attempt.gateResults ?? []) as unknown as GateResult[],
            judgeVerdict: attempt.judgeVerdict as unknown as { isAccepted: boolean; score?: number; reasons: string[] } | null,
            configPatches: attempt.configPatches as unknown as { className: string; field: string; value: unknown; reason: string }[],
          }
        : null,
      history: reviews.map((r) => hideEmail(r, canSeeEmails)),
    };
  });
  return { items, total };
}

/** Synthesized tasks by review state, and where the reviewed ones are in their runs' pools. */
export async function reviewCounts({ db, runId, category }: { db: Db; runId?: string; category?: string }) {
  const where: Prisma.TaskWhereInput = { ...reviewWhere(runId, category), reviewState: { not: "none" } };
  const [byState, waiting] = await Promise.all([
    db.task.groupBy({ by: ["reviewState"], where, _count: { _all: true }, orderBy: { reviewState: "asc" } }),
    db.poolEntry.count({ where: { ...(runId ? { runId } : {}), isSeed: false, state: "staged", task: { reviewState: "approved", ...(category ? { category } : {}) } } }),
  ]);
  const count = (s: string) => byState.find((r) => r.reviewState === s)?._count._all ?? 0;
  return { pending: count("pending"), approved: count("approved"), rejected: count("rejected"), approvedWaitingForInjection: waiting };
}

export async function listReviews({ db, taskId, canSeeEmails = false }: { db: Db; taskId: string; canSeeEmails?: boolean }) {
  const rows = await db.review.findMany({ where: { taskId }, select: reviewRowSelect, orderBy: { createdAt: "desc" } });
  return rows.map((r) => hideEmail(r, canSeeEmails));
}

/** The CONFLICT or NOT_FOUND a decision on a task that is not (or no longer) pending deserves. */
async function notPendingError(db: Db | Prisma.TransactionClient, taskId: string): Promise<AppError> {
  const task = await db.task.findUnique({ where: { id: taskId }, select: { externalId: true, reviewState: true, origin: true } });
  if (!task) return new AppError("NOT_FOUND", `No task with id "${taskId}". It may have been deleted; reload the review queue.`);
  if (task.reviewState === "none") return new AppError("CONFLICT", `Task ${task.externalId} does not need review (it is ${task.origin === "synthesized" ? "from a run that reviews automatically" : `a ${task.origin} task`}).`);
  return new AppError("CONFLICT", `Task ${task.externalId} was already ${task.reviewState}; reload the review queue.`);
}

async function decide({ db, taskId, userId, state, decision, reason }: { db: Db; taskId: string; userId: string; state: "approved" | "rejected"; decision: "approve" | "reject"; reason?: string }) {
  const result = await db.$transaction(async (tx) => {
    // The state guard makes two reviewers deciding at once safe: only one update matches.
    const updated = await tx.task.updateMany({ where: { id: taskId, reviewState: "pending" }, data: { reviewState: state } });
    if (updated.count === 0) throw await notPendingError(tx, taskId);
    const review = await tx.review.create({ data: { taskId, userId, decision, reason: reason ?? null }, select: reviewRowSelect });
    return { taskId, reviewState: state, review };
  });
  await refreshSynthesisOf({ db, childTaskIds: [taskId] }); // the monitor's approved/rejected counts
  return result;
}

export async function approveTask({ db, taskId, userId }: { db: Db; taskId: string; userId: string }) {
  return decide({ db, taskId, userId, state: "approved", decision: "approve" });
}

export async function rejectTask({ db, taskId, userId, reason }: { db: Db; taskId: string; userId: string; reason: string }) {
  const trimmed = reason.trim();
  if (!trimmed) throw new AppError("BAD_REQUEST", "Give a reason for rejecting the task; it is kept in the task's history.");
  return decide({ db, taskId, userId, state: "rejected", decision: "reject", reason: trimmed });
}

/** Approves every listed task that is still pending, in one transaction; the others are reported, not failed. */
export async function bulkApprove({ db, taskIds, userId }: { db: Db; taskIds: string[]; userId: string }) {
  const ids = [...new Set(taskIds)];
  if (ids.length === 0) throw new AppError("BAD_REQUEST", "Select at least one task to approve.");
  if (ids.length > MAX_BULK) throw new AppError("BAD_REQUEST", `Approve at most ${MAX_BULK} tasks at once.`);
  const result = await db.$transaction(async (tx) => {
    const pending = await tx.task.findMany({ where: { id: { in: ids }, reviewState: "pending" }, select: { id: true } });
    const approved = pending.map((t) => t.id);
    if (approved.length) {
      await tx.task.updateMany({ where: { id: { in: approved }, reviewState: "pending" }, data: { reviewState: "approved" } });
      await tx.review.createMany({ data: approved.map((taskId) => ({ taskId, userId, decision: "approve" as const })) });
    }
    const approvedSet = new Set(approved);
    return { approved, skipped: ids.filter((id) => !approvedSet.has(id)) };
  });
  await refreshSynthesisOf({ db, childTaskIds: result.approved });
  return result;
}

// ---------- editing the user turns ----------

export interface EditCheck {
  isValid: boolean;
  /** what is wrong, one line each, in words a reviewer can act on */
  problems: string[];
  gateResults: GateResult[];
}

interface EditableTask {
  category: string;
  involvedClasses: string[];
  initialConfig: Record<string, Record<string, unknown>>;
  longContext: boolean;
  turns: UserTurns;
  groundTruth: GroundTruthCall[][];
  missedFunctions: Record<string, string[]>;
}

/** One text per turn as stored turns: miss_func release turns carry no message. */
export function turnsFromTexts(texts: readonly string[], missedFunctions: Record<string, string[]>): UserTurns {
  const release = new Set(Object.keys(missedFunctions).map(Number));
  return texts.map((text, t) => (release.has(t) && text.trim() === "" ? [] : [{ role: "user" as const, content: text.trim() }]));
}

/** The ground truth as the text checks see it: each call with its class and its result on a fresh environment. */
function executedCalls(task: EditableTask): ExecutedCall[][] {
  const prepared = prepareGroundTruth({
    involvedClasses: task.involvedClasses,
    initialConfig: task.initialConfig,
    longContext: task.longContext,
    groundTruth: task.groundTruth.map((turn) => turn.map((c) => c.source)),
  });
  return task.groundTruth.map((turn, t) =>
    turn.map((c, i) => ({ className: toolDoc(c.name)?.className ?? "", name: c.name, args: c.args, source: c.source, result: prepared.turns[t]?.results[i] ?? "", depth: 0 })),
  );
}

function judgeReasons(turns: UserTurns, calls: ExecutedCall[][]): string[] {
  return heuristicVerdict(turns.map((messages, t) => ({ text: messages.map((m) => m.content).join("\n"), calls: calls[t] ?? [] }))).reasons;
}

/**
 * The deterministic gates of synthesis on the edited task (user text, tools available, argument limits, ground
 * truth replay), and the heuristic judge as a regression check: an edit may not drop a value the calls need that
 * the old text stated (reasons the original text already had are not held against the edit).
 */
export function checkEditedTurns(task: EditableTask, texts: readonly string[]): EditCheck {
  const problems: string[] = [];
  if (texts.length !== task.turns.length) {
    problems.push(`The task has ${task.turns.length} turns; send one text per turn (${texts.length} sent).`);
    return { isValid: false, problems, gateResults: [] };
  }
  const release = new Set(Object.keys(task.missedFunctions).map(Number));
  texts.forEach((text, t) => {
    if (release.has(t) && text.trim() !== "") problems.push(`Turn ${t + 1} releases held-back functions and must stay without a user message.`);
    if (text.length > MAX_TURN_TEXT) problems.push(`Turn ${t + 1} is ${text.length} characters long; keep it under ${MAX_TURN_TEXT}.`);
  });
  const turns = turnsFromTexts(texts, task.missedFunctions);
  const edited: SynthesizedTask = { ...task, turns };
  const calls = executedCalls(task);
  const gateResults = [userTextGate(edited, calls.flat()), toolsAvailableGate(edited), argumentLimitsGate(edited)];
  for (const g of gateResults) if (!g.isPassed) problems.push(`Gate ${g.name} failed: ${g.detail ?? "no detail"}.`);
  const analysis = analyseTask(edited);
  gateResults.push({ name: "ground_truth_replay", isPassed: analysis.gtReplayOk, ...(analysis.gtReplayReason ? { detail: analysis.gtReplayReason } : {}) });
  if (!analysis.gtReplayOk) problems.push(`The ground truth no longer replays: ${analysis.gtReplayReason}.`);
  const before = new Set(judgeReasons(task.turns, calls));
  const lost = judgeReasons(turns, calls).filter((r) => !before.has(r));
  gateResults.push({ name: "judge_regression", isPassed: lost.length === 0, ...(lost.length ? { detail: lost.join("; ") } : {}) });
  for (const r of lost) problems.push(`Judge: ${r}.`);
  return { isValid: problems.length === 0, problems, gateResults };
}

const editSelect = {
  id: true,
  datasetId: true,
  externalId: true,
  reviewState: true,
  category: true,
  involvedClasses: true,
  initialConfig: true,
  longContext: true,
  turns: true,
  groundTruth: true,
  missedFunctions: true,
  updatedAt: true,
} satisfies Prisma.TaskSelect;

function editableOf(row: Prisma.TaskGetPayload<{ select: typeof editSelect }>): EditableTask {
  return {
    category: row.category,
    involvedClasses: row.involvedClasses,
    initialConfig: row.initialConfig as EditableTask["initialConfig"],
    longContext: row.longContext,
    turns: row.turns as unknown as UserTurns,
    groundTruth: row.groundTruth as unknown as GroundTruthCall[][],
    missedFunctions: row.missedFunctions as Record<string, string[]>,
  };
}

/**
 * Replaces the user turns of a pending task after the checks pass; stores the old turns in the Review row. When a
 * check fails nothing is written and the error lists every problem (details: the EditCheck).
 */
export async function editTask({ db, taskId, userId, texts }: { db: Db; taskId: string; userId: string; texts: string[] }) {
  const row = await db.task.findUnique({ where: { id: taskId }, select: editSelect });
  if (!row) throw new AppError("NOT_FOUND", `No task with id "${taskId}". It may have been deleted; reload the review queue.`);
  if (row.reviewState !== "pending") throw new AppError("CONFLICT", `Only tasks awaiting review can be edited; ${row.externalId} is ${row.reviewState === "none" ? "not under review" : row.reviewState}.`);
  const task = editableOf(row);
  const check = checkEditedTurns(task, texts);
  if (!check.isValid) throw new AppError("BAD_REQUEST", `The edit was not saved: ${check.problems.join(" ")}`, check);
  const turns = turnsFromTexts(texts, task.missedFunctions);
  if (JSON.stringify(turns) === JSON.stringify(task.turns)) throw new AppError("BAD_REQUEST", "Nothing changed: edit at least one turn, or cancel.");
  const contentHash = contentHashOf(turns, task.groundTruth, task.initialConfig);
  const duplicate = await db.task.findFirst({ where: { datasetId: row.datasetId, contentHash, id: { not: taskId } }, select: { externalId: true } });
  if (duplicate) throw new AppError("CONFLICT", `The edit was not saved: the edited task would duplicate ${duplicate.externalId}.`);
  return db.$transaction(async (tx) => {
    // Guarded on updatedAt too, so an edit based on turns someone else has just changed is refused, not merged.
    const updated = await tx.task.updateMany({
      where: { id: taskId, reviewState: "pending", updatedAt: row.updatedAt },
      data: { turns: turns as unknown as Prisma.InputJsonValue, contentHash },
    });
    if (updated.count === 0) throw new AppError("CONFLICT", `Task ${row.externalId} changed while you were editing it; reload and edit again.`);
    const review = await tx.review.create({
      data: { taskId, userId, decision: "edit", previous: task.turns as unknown as Prisma.InputJsonValue },
      select: reviewRowSelect,
    });
    return { taskId, turns, review, gateResults: check.gateResults };
  });
}
