// Environment sessions: one task played call by call by an outside agent or trainer (/api/v1/env/sessions, MCP).
// Every call is stored in order, so any web process rebuilds the environment by replay; a process keeps the
// environments it last served in memory and replays only when another process moved the session on. Writes are
// conditional on the session being unchanged since it was read, so concurrent calls on one session never both land.
import type { Db } from "../db";
import { parseEnv } from "../env";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import type { BfclEnvironment } from "../envs/bfcl/bfcl-env";
import type { Verification } from "../envs/bfcl/verifier";
import type { RolloutTask } from "../policies/types";
import { episodeMessages, executeCall, newEnvironment, replayCalls, turnView, verifyEpisode, type EpisodeCall, type TCallInput, type TurnView } from "./env-episode";
import { resolveTask } from "./task-lookup";
import { claimedSlot, recordTrainerRollout, storedSubmission, type TrainerSlot } from "./trainer-run-service";

/** Calls one session may hold: a BFCL rollout makes at most 20 steps per turn, so this is far beyond any real one. */
export const MAX_SESSION_CALLS = 2000;

export interface SessionTurn extends TurnView {
  sessionId: string;
  taskId: string;
  /** 1-based number of the current user turn */
  turn: number;
  turns: number;
}

export interface SessionScore {
  reward: number;
  success: boolean;
  turns: Verification["turns"];
  /** for a session of a trainer-driven run: false when that (step, task, sample) was already stored */
  stored?: boolean;
}

const cache = new Map<string, { env: BfclEnvironment; callCount: number }>();
const CACHE_SIZE = 512;
/** Attempts of a write that lost a race with another call on the same session (each re-reads the session). */
const WRITE_ATTEMPTS = 5;

let idleCache: number | undefined;
function idleSeconds(): number {
  idleCache ??= parseEnv().RODS_ENV_SESSION_IDLE_SECONDS;
  return idleCache;
}

const sessionSelect = { id: true, taskId: true, userId: true, status: true, turn: true, calls: true, callCount: true, lastActiveAt: true, result: true, runId: true, stepIndex: true, sample: true } satisfies Prisma.EnvSessionSelect;
type SessionRow = Prisma.EnvSessionGetPayload<{ select: typeof sessionSelect }>;

/**
 * The session as the caller may see it: `userId` is the caller; a session belongs to the user who opened it and
 * is unknown to anyone else. No lock: writes are conditional on the row being unchanged (optimistic), so two
 * calls on one session never both apply, and a call does not hold a transaction open.
 */
async function readSession(db: Pick<Db, "envSession">, sessionId: string, userId: string | undefined): Promise<SessionRow> {
  const row = await db.envSession.findUnique({ where: { id: sessionId }, select: sessionSelect });
  if (!row || (userId !== undefined && row.userId !== null && row.userId !== userId)) {
    throw new AppError("NOT_FOUND", `No environment session ${sessionId}; open one with POST /api/v1/env/sessions.`);
  }
  const idle = idleSeconds();
  if (row.status === "expired" || (row.status === "open" && Date.now() - row.lastActiveAt.getTime() > idle * 1000)) {
    throw new AppError("GONE", `Environment session ${sessionId} expired after ${idle} s without calls; open a new one.`);
  }
  return row;
}

/** Runs `attempt` until its conditional write lands (it returns null when another call changed the session first). */
async function withRetry<T>(sessionId: string, attempt: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < WRITE_ATTEMPTS; i++) {
    const done = await attempt();
    if (done !== null) return done;
  }
  throw new AppError("CONFLICT", `Environment session ${sessionId} is being changed by other requests at the same time; send its calls one request after another.`);
}

function assertOpen(row: SessionRow) {
  if (row.status === "finished") throw new AppError("CONFLICT", `Environment session ${row.id} is finished; open a new session to play again.`);
}

// Tasks change only by a reviewer's edit of a synthesized task before it is trained on, so each process keeps the
// few it serves.
const taskCache = new Map<string, RolloutTask>();
async function taskOf(db: Pick<Db, "task">, taskId: string): Promise<RolloutTask> {
  let task = taskCache.get(taskId);
  if (!task) {
    task = await resolveTask({ db, taskId });
    taskCache.set(taskId, task);
    if (taskCache.size > CACHE_SIZE) taskCache.delete(taskCache.keys().next().value!);
  }
  return task;
}

/** Opens a session at the first user turn; with `run`, it rolls out (step, task, sample) of a trainer-driven run. */
export async function createEnvSession({ db, taskId, userId, run }: { db: Db; taskId: string; userId?: string; run?: { runId: string; stepIndex: number; sample: number } }): Promise<SessionTurn> {
  const task = await resolveTask({ db, taskId });
  // Validated now, so a trainer learns at once that the work is not its to do.
  if (run && !(await storedSubmission({ db, ...run, taskId: task.id }))) await claimedSlot({ db, ...run, taskId: task.id });
  const row = await db.envSession.create({
    data: { taskId: task.id, userId, runId: run?.runId, stepIndex: run?.stepIndex, sample: run?.sample },
    select: { id: true },
  });
  return { sessionId: row.id, taskId: task.id, turn: 1, turns: task.turns.length, ...turnView(task, 0) };
}

/** Executes calls in order in the current turn; each result is exactly the environment's string. */
export async function executeSessionCalls({ db, sessionId, userId, calls }: { db: Db; sessionId: string; userId?: string; calls: TCallInput[] }): Promise<{ results: string[] }> {
  return withRetry(sessionId, async () => {
    const row = await readSession(db, sessionId, userId);
    assertOpen(row);
    if (row.callCount + calls.length > MAX_SESSION_CALLS) {
      throw new AppError("CONFLICT", `Environment session ${sessionId} holds ${row.callCount} calls; a session takes at most ${MAX_SESSION_CALLS}. Finish it.`);
    }
    const stored = row.calls as unknown as EpisodeCall[][];
    // Taken out of the cache while in use: if the write does not land, the next attempt replays from the database.
    const cached = cache.get(sessionId);
    cache.delete(sessionId);
    let env = cached?.callCount === row.callCount ? cached.env : undefined;
    if (!env) {
      env = newEnvironment(await taskOf(db, row.taskId));
      replayCalls(env, stored);
    }
    const executed = calls.map((c) => executeCall(env, c));
    stored[row.turn]!.push(...executed);
    const callCount = row.callCount + executed.length;
    const written = await db.envSession.updateMany({
      where: { id: sessionId, status: "open", turn: row.turn, callCount: row.callCount },
      data: { calls: stored as unknown as Prisma.InputJsonValue, callCount, lastActiveAt: new Date() },
    });
    if (written.count === 0) return null;
    cache.set(sessionId, { env, callCount });
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return { results: executed.map((c) => c.output) };
  });
}

/** Moves to the next user turn (releasing held-back tools of miss_func tasks); CONFLICT after the last. */
export async function nextSessionTurn({ db, sessionId, userId }: { db: Db; sessionId: string; userId?: string }): Promise<SessionTurn> {
  return withRetry(sessionId, async () => {
    const row = await readSession(db, sessionId, userId);
    assertOpen(row);
    const task = await taskOf(db, row.taskId);
    if (row.turn + 1 >= task.turns.length) {
      throw new AppError("CONFLICT", `Turn ${row.turn + 1} of ${task.turns.length} is the last one; finish the session to get its reward.`);
    }
    const stored = row.calls as unknown as EpisodeCall[][];
    stored.push([]);
    const written = await db.envSession.updateMany({
      where: { id: sessionId, status: "open", turn: row.turn, callCount: row.callCount },
      data: { turn: row.turn + 1, calls: stored as unknown as Prisma.InputJsonValue, lastActiveAt: new Date() },
    });
    if (written.count === 0) return null;
    return { sessionId, taskId: row.taskId, turn: row.turn + 2, turns: task.turns.length, ...turnView(task, row.turn + 1) };
  });
}

/** Scores the session with the verifier (turns never reached count as failed). Finishing twice answers the same. */
export async function finishEnvSession({ db, sessionId, userId }: { db: Db; sessionId: string; userId?: string }): Promise<SessionScore> {
  const finished = await withRetry(sessionId, async () => {
    const row = await readSession(db, sessionId, userId);
    if (row.status === "finished") return { score: row.result as unknown as SessionScore, slot: undefined, messages: undefined, verdict: undefined };
    const task = await taskOf(db, row.taskId);
    const stored = row.calls as unknown as EpisodeCall[][];
    const verdict = verifyEpisode(task, stored);
    const score: SessionScore = { reward: verdict.progressReward, success: verdict.success, turns: verdict.turns };
    const written = await db.envSession.updateMany({
      where: { id: sessionId, status: "open", turn: row.turn, callCount: row.callCount },
      data: { status: "finished", result: score as unknown as Prisma.InputJsonValue, finishedAt: new Date(), lastActiveAt: new Date() },
    });
    if (written.count === 0) return null;
    const isRunSample = row.runId !== null && row.stepIndex !== null && row.sample !== null;
    const slot = isRunSample ? { runId: row.runId!, stepIndex: row.stepIndex!, taskId: row.taskId, sample: row.sample! } : undefined;
    return { score, slot, messages: slot ? episodeMessages(task, stored) : undefined, verdict };
  });
  const { score, slot, messages, verdict } = finished;
  cache.delete(sessionId);
  if (!slot || !verdict) return score;
  // A sample of a trainer-driven run: stored as its rollout (once), and the answer says whether this one was.
  const previous = await storedSubmission({ db, ...slot });
  let stored = false;
  if (!previous) {
    const claimed: TrainerSlot = await claimedSlot({ db, ...slot });
    stored = !(await recordTrainerRollout({ db, slot: claimed, messages: messages!, verdict })).duplicate;
  }
  const final = { ...score, stored };
  await db.envSession.update({ where: { id: sessionId }, data: { result: final as unknown as Prisma.InputJsonValue } });
  return final;
}

/** Expires sessions idle for longer than the configured time (their calls are dropped) and deletes old ones. */
export async function expireIdleSessions({ db, now = new Date(), idle = idleSeconds(), keepDays = 7 }: { db: Db; now?: Date; idle?: number; keepDays?: number }): Promise<{ expired: number; deleted: number }> {
  const expired = await db.envSession.updateMany({
    where: { status: "open", lastActiveAt: { lt: new Date(now.getTime() - idle * 1000) } },
    data: { status: "expired", calls: [] },
  });
  const deleted = await db.envSession.deleteMany({ where: { lastActiveAt: { lt: new Date(now.getTime() - keepDays * 86_400_000) } } });
  return { expired: expired.count, deleted: deleted.count };
}

/** Forgets the environments this process keeps (tests use it to act as another web process). */
export function dropSessionCache(): void {
  cache.clear();
  taskCache.clear();
}

/** The current turn of a session (what an agent sees now), without changing it. */
export async function getSessionTurn({ db, sessionId, userId }: { db: Db; sessionId: string; userId?: string }): Promise<SessionTurn & { status: string }> {
  const row = await readSession(db, sessionId, userId);
  const task = await taskOf(db, row.taskId);
  return { sessionId, taskId: row.taskId, status: row.status, turn: row.turn + 1, turns: task.turns.length, ...turnView(task, row.turn) };
}
