// Review of synthesized tasks on a real database: tasks come from the procedural synthesizer in a manual-review
// run, exactly as the loop stores them.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { createCaller } from "../api/root";
import { disconnectDb } from "../db";
import { funcDocs } from "../envs/bfcl/data";
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import { AppError } from "../errors";
import type { JobSender } from "../jobs/contract";
import { createProceduralSynthesizer } from "../synthesis";
import { ENGLISH_TOOL_NAMES, neededValues } from "../synthesis/pipeline/text-checks";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";
import { approveTask, bulkApprove, editTask, listReviewQueue, listReviews, rejectTask, reviewCounts, type EditCheck } from "./review-service";
import { createRun } from "./runs-service";
import { runSynthesisAttempt } from "./synthesis-service";

const db = testDb();
const noJobs: JobSender = { send: async () => {} };
let runId = "";
let pending: string[] = [];
let alice = { id: "", name: "Alice" };
let bob = { id: "", name: "Bob" };

async function taskSnapshot(id: string) {
  return db.task.findUniqueOrThrow({ where: { id }, select: { turns: true, contentHash: true, reviewState: true, updatedAt: true } });
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("review service", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    alice = await db.user.create({ data: { email: "alice@example.test", name: "Alice", passwordHash: "unused" }, select: { id: true, name: true } });
    bob = await db.user.create({ data: { email: "bob@example.test", name: "Bob", passwordHash: "unused" }, select: { id: true, name: true } });
    const run = await createRun({ db, jobs: noJobs, name: "manual review", config: { reviewPolicy: "manual", limitSeeds: 40, k: 4, batchSize: 20 } });
    runId = run.id;
    // Base seeds only, so no release turns complicate the edits below.
    const seeds = await db.poolEntry.findMany({ where: { runId, task: { category: "base" } }, select: { taskId: true }, orderBy: { taskId: "asc" } });
    const synthesizer = createProceduralSynthesizer();
    for (const { taskId } of seeds) {
      const attempt = await db.synthesisAttempt.create({ data: { runId, stepIndex: 0, seedTaskId: taskId, backend: "procedural" }, select: { id: true } });
      await runSynthesisAttempt({ db, attemptId: attempt.id, synthesizer });
      if ((await db.task.count({ where: { origin: "synthesized" } })) >= 6) break;
    }
    pending = (await db.task.findMany({ where: { origin: "synthesized" }, select: { id: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map((t) => t.id);
    expect(pending.length).toBeGreaterThanOrEqual(6);
  });
  afterAll(() => disconnectDb());

  it("queues pending synthesized tasks beside their seeds with gate results and judge verdict", async () => {
    const queue = await listReviewQueue({ db, runId });
    expect(queue.total).toBe(pending.length);
    const item = queue.items[0]!;
    expect(item.task.reviewState).toBe("pending");
    expect(item.seed?.id).toBeTruthy();
    expect(item.seed?.origin).toBe("seed");
    expect(item.task.numTurns).toBe(item.seed!.numTurns);
    // Imported seeds carry no stored profile: it is computed from their ground truth.
    expect(item.seed!.structure.callsPerTurn).toEqual(item.seed!.groundTruth.map((calls) => calls.length));
    expect(item.seed!.dependencyDepth).toBe(item.seed!.structure.dependencyDepth);
    expect(item.task).not.toHaveProperty("initialConfig");
    // The gates of the text that was accepted all passed (a repaired task also keeps the failed gates of its first text).
    const gates = item.attempt!.gateResults;
    const isRepaired = gates.some((g) => g.name.startsWith("repair:"));
    const finalGates = isRepaired ? gates.filter((g) => g.name.startsWith("repair:")) : gates;
    expect(finalGates.length).toBeGreaterThan(0);
    expect(finalGates.every((g) => g.isPassed)).toBe(true);
    expect(item.attempt?.judgeVerdict?.isAccepted).toBe(true);
    expect(item.attempt?.runName).toBe("manual review");
    expect(await reviewCounts({ db, runId })).toEqual({ pending: pending.length, approved: 0, rejected: 0, approvedWaitingForInjection: 0 });
  });

  it("approves a task, recording who and when, and refuses to decide it twice", async () => {
    const before = new Date();
    const result = await approveTask({ db, taskId: pending[0]!, userId: alice.id });
    expect(result.reviewState).toBe("approved");
    expect((await taskSnapshot(pending[0]!)).reviewState).toBe("approved");
    const [review] = await listReviews({ db, taskId: pending[0]! });
    expect(review).toMatchObject({ decision: "approve", reason: null, user: { id: alice.id, name: "Alice" } });
    expect(review!.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    const counts = await reviewCounts({ db, runId });
    expect(counts).toMatchObject({ pending: pending.length - 1, approved: 1, rejected: 0, approvedWaitingForInjection: 1 });
    expect((await caught(approveTask({ db, taskId: pending[0]!, userId: bob.id }))).code).toBe("CONFLICT");
    expect((await caught(rejectTask({ db, taskId: pending[0]!, userId: bob.id, reason: "late" }))).code).toBe("CONFLICT");
    expect(await listReviews({ db, taskId: pending[0]! })).toHaveLength(1);
  });

  it("rejects only with a reason; the rejected task stays staged but never counts as ready for injection", async () => {
    expect((await caught(rejectTask({ db, taskId: pending[1]!, userId: bob.id, reason: "   " }))).code).toBe("BAD_REQUEST");
    expect((await taskSnapshot(pending[1]!)).reviewState).toBe("pending");
    await rejectTask({ db, taskId: pending[1]!, userId: bob.id, reason: "  The second turn does not follow from the first.  " });
    expect((await taskSnapshot(pending[1]!)).reviewState).toBe("rejected");
    const [review] = await listReviews({ db, taskId: pending[1]! });
    expect(review).toMatchObject({ decision: "reject", reason: "The second turn does not follow from the first.", user: { id: bob.id } });
    const entry = await db.poolEntry.findUniqueOrThrow({ where: { runId_taskId: { runId, taskId: pending[1]! } }, select: { state: true } });
    expect(entry.state).toBe("staged");
    expect(await reviewCounts({ db, runId })).toMatchObject({ approved: 1, rejected: 1, approvedWaitingForInjection: 1 });
    expect((await listReviewQueue({ db, runId })).items.map((i) => i.task.id)).not.toContain(pending[1]);
  });

  it("refuses an edit that breaks a gate and leaves the task exactly as it was", async () => {
    const id = pending[2]!;
    const before = await taskSnapshot(id);
    const turns = before.turns as { content: string }[][];
    const row = await db.task.findUniqueOrThrow({ where: { id }, select: { groundTruth: true, involvedClasses: true } });
    const gt = (row.groundTruth as unknown as GroundTruthCall[][]).flat();
    // A tool name that cannot pass as English; the ground truth may use only plain-word tools (sort, find), so fall
    // back to the other tools of the task's classes.
    const names = [...gt.map((c) => c.name), ...row.involvedClasses.flatMap((c) => funcDocs(c).map((d) => d.name))];
    const tool = names.find((n) => !ENGLISH_TOOL_NAMES.has(n))!;
    expect(tool).toBeTruthy();
    const texts = turns.map((t) => t.map((m) => m.content).join("\n"));
    texts[0] = `${texts[0]} Use ${tool} for this.`;
    const error = await caught(editTask({ db, taskId: id, userId: alice.id, texts }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(`'${tool}'`);
    expect((error.details as EditCheck).gateResults.find((g) => g.name === "user_text")?.isPassed).toBe(false);

    const emptied = texts.map((t, i) => (i === 0 ? "" : t));
    expect((await caught(editTask({ db, taskId: id, userId: alice.id, texts: emptied }))).message).toContain("turn 1 has no user message");
    expect((await caught(editTask({ db, taskId: id, userId: alice.id, texts: texts.slice(1) }))).message).toContain(`has ${turns.length} turns`);

    expect(await taskSnapshot(id)).toEqual(before);
    expect(await listReviews({ db, taskId: id })).toHaveLength(0);
  });

  it("refuses an edit that drops a value the calls need (judge regression)", async () => {
    const id = pending[2]!;
    const before = await taskSnapshot(id);
    const texts = (before.turns as { content: string }[][]).map((t) => t.map((m) => m.content).join("\n"));
    // Blank out the first value a call needs that the user text states: no turn gives it any more.
    const gt = (await db.task.findUniqueOrThrow({ where: { id }, select: { groundTruth: true } })).groundTruth as unknown as GroundTruthCall[][];
    const needed = gt
      .flatMap((calls, t) => calls.flatMap((c) => neededValues({ ...c, className: "", result: "", depth: 0 }).map((v) => ({ t, value: String(v.value) }))))
      .find(({ t, value }) => value.length >= 2 && texts[t]!.includes(value));
    expect(needed).toBeDefined();
    for (const [i, text] of texts.entries()) texts[i] = text.split(needed!.value).join("that one");
    const error = await caught(editTask({ db, taskId: id, userId: alice.id, texts }));
    expect(error.message).toMatch(/Judge: turn \d+: the text never gives/);
    expect(await taskSnapshot(id)).toEqual(before);
  });

  it("saves a valid edit with the old turns in the history, and keeps the task pending", async () => {
    const id = pending[2]!;
    const before = await taskSnapshot(id);
    const texts = (before.turns as { content: string }[][]).map((t) => t.map((m) => m.content).join("\n"));
    texts[0] = `Thanks in advance for the help. ${texts[0]}`;
    const result = await editTask({ db, taskId: id, userId: alice.id, texts });
    expect(result.gateResults.every((g) => g.isPassed)).toBe(true);
    const after = await taskSnapshot(id);
    expect(after.reviewState).toBe("pending");
    expect((after.turns as { content: string }[][])[0]![0]!.content).toBe(texts[0]);
    expect(after.contentHash).not.toBe(before.contentHash);
    const [review] = await listReviews({ db, taskId: id });
    expect(review).toMatchObject({ decision: "edit", user: { id: alice.id }, previous: before.turns });
    expect((await caught(editTask({ db, taskId: id, userId: alice.id, texts }))).message).toContain("Nothing changed");
  });

  it("bulk approves the pending tasks and reports the ones already decided", async () => {
    const ids = [pending[3]!, pending[4]!, pending[1]!];
    const result = await bulkApprove({ db, taskIds: ids, userId: bob.id });
    expect(result.approved.sort()).toEqual([pending[3]!, pending[4]!].sort());
    expect(result.skipped).toEqual([pending[1]!]);
    for (const id of result.approved) {
      expect((await taskSnapshot(id)).reviewState).toBe("approved");
      expect(await listReviews({ db, taskId: id })).toMatchObject([{ decision: "approve", user: { id: bob.id } }]);
    }
    expect((await taskSnapshot(pending[1]!)).reviewState).toBe("rejected");
    expect(await reviewCounts({ db, runId })).toMatchObject({ approved: 3, rejected: 1, pending: pending.length - 4, approvedWaitingForInjection: 3 });
  });

  it("lets only signed-in users decide through the API", async () => {
    const anonymous = createCaller({ db, headers: new Headers(), user: null });
    await expect(anonymous.review.approve({ taskId: pending[5]! })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.review.reject({ taskId: pending[5]!, reason: "no" })).rejects.toBeInstanceOf(TRPCError);
    expect((await taskSnapshot(pending[5]!)).reviewState).toBe("pending");

    const user = await db.user.findUniqueOrThrow({ where: { id: alice.id }, select: { id: true, name: true, email: true, role: true, createdAt: true } });
    const signedIn = createCaller({ db, headers: new Headers(), user });
    await expect(signedIn.review.reject({ taskId: pending[5]!, reason: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await signedIn.review.approve({ taskId: pending[5]! });
    expect(await signedIn.review.counts({ runId })).toMatchObject({ approved: 4 });
    expect((await signedIn.review.history({ taskId: pending[5]! }))[0]).toMatchObject({ decision: "approve", user: { name: "Alice" } });
  });
  it("filters the queue and its counts by run and by category", async () => {
    const all = await listReviewQueue({ db, limit: 200 });
    const base = await listReviewQueue({ db, category: "base", limit: 200 });
    expect(base.total).toBe(all.total); // the synthesized tasks here all come from base seeds
    expect(base.items.every((i) => i.task.category === "base")).toBe(true);
    expect((await listReviewQueue({ db, category: "miss_func" })).total).toBe(0);
    expect((await reviewCounts({ db, category: "miss_func" })).pending).toBe(0);
    expect((await reviewCounts({ db, runId, category: "base" })).pending).toBe((await reviewCounts({ db, runId })).pending);
    const other = await createRun({ db, jobs: noJobs, name: "other run", config: { limitSeeds: 4 } });
    expect((await listReviewQueue({ db, runId: other.id })).total).toBe(0);
  });
});
