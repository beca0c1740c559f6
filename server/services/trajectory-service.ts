// One task's life in the runs that rolled it out: r̄ per step per run (from the step statistics, never by scanning
// rollouts), the index of its stored rollouts (run → step → samples), and one rollout's conversation with its
// per-turn verdicts.
import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { areRunTokensEstimated } from "../rods/token-estimate";

export async function getTaskRewardHistory({ db, taskId }: { db: Db; taskId: string }) {
  const rows = await db.taskStepStat.findMany({
    where: { taskId },
    select: { runId: true, stepIndex: true, mean: true, variance: true, region: true, run: { select: { name: true, createdAt: true } } },
    orderBy: [{ runId: "asc" }, { stepIndex: "asc" }],
  });
  const runs = new Map<string, { runId: string; runName: string; createdAt: Date; points: { stepIndex: number; mean: number; variance: number; region: "hard" | "boundary" | "mastered" }[] }>();
  for (const r of rows) {
    const run = runs.get(r.runId) ?? { runId: r.runId, runName: r.run.name, createdAt: r.run.createdAt, points: [] };
    run.points.push({ stepIndex: r.stepIndex, mean: r.mean, variance: r.variance, region: r.region });
    runs.set(r.runId, run);
  }
  // Oldest run first, so a run keeps its position (and colour) as newer runs appear.
  return [...runs.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.runId.localeCompare(b.runId));
}

/** Which (run, step) groups of this task have stored rollouts, with their size, mean reward and failures. */
export async function listTaskRollouts({ db, taskId }: { db: Db; taskId: string }) {
  const [groups, failures, runs, samples] = await Promise.all([
    db.rollout.groupBy({ by: ["runId", "stepIndex"], where: { taskId }, _count: { _all: true }, _avg: { reward: true }, _min: { sample: true }, _max: { sample: true }, orderBy: [{ runId: "asc" }, { stepIndex: "asc" }] }),
    db.rollout.groupBy({ by: ["runId", "stepIndex"], where: { taskId, infraError: { not: null } }, _count: { _all: true }, orderBy: [{ runId: "asc" }, { stepIndex: "asc" }] }),
    db.run.findMany({ where: { rollouts: { some: { taskId } } }, select: { id: true, name: true, createdAt: true }, orderBy: { createdAt: "asc" } }),
    // one small row per rollout of this one task (steps × K), so the sample picker can show each reward
    db.rollout.findMany({ where: { taskId }, select: { runId: true, stepIndex: true, sample: true, reward: true, infraError: true }, orderBy: [{ sample: "asc" }] }),
  ]);
  const samplesOf = new Map<string, { sample: number; reward: number | null; infraFailure: boolean }[]>();
  for (const r of samples) {
    const key = `${r.runId}:${r.stepIndex}`;
    if (!samplesOf.has(key)) samplesOf.set(key, []);
    samplesOf.get(key)!.push({ sample: r.sample, reward: r.reward, infraFailure: r.infraError !== null });
  }
  const failed = new Map(failures.map((f) => [`${f.runId}:${f.stepIndex}`, f._count._all]));
  return runs.map((run) => ({
    runId: run.id,
    runName: run.name,
    steps: groups
      .filter((g) => g.runId === run.id)
      .map((g) => ({
        stepIndex: g.stepIndex,
        rollouts: g._count._all,
        /** mean over scored rollouts (infrastructure failures have no reward) */
        meanReward: g._avg.reward,
        infraFailures: failed.get(`${g.runId}:${g.stepIndex}`) ?? 0,
        firstSample: g._min.sample ?? 0,
        lastSample: g._max.sample ?? 0,
        samples: samplesOf.get(`${g.runId}:${g.stepIndex}`) ?? [],
      })),
  }));
}

// Stored trajectories come from many policies and versions; read them leniently and never trust their shape.
const ZToolCall = z.object({ id: z.string().optional(), function: z.object({ name: z.string(), arguments: z.unknown() }) });
const ZMessage = z.union([
  z.object({ role: z.literal("assistant"), content: z.string().nullish(), tool_calls: z.array(ZToolCall).nullish() }),
  z.object({ role: z.literal("tool"), tool_call_id: z.string().optional(), content: z.unknown() }),
  z.object({ role: z.enum(["system", "user"]), content: z.unknown() }),
]);
const ZTurnResult = z.object({ stateOk: z.boolean(), execOk: z.boolean(), reason: z.string().nullish() });

export type TrajectoryEntry =
  | { kind: "system" | "user"; text: string }
  | { kind: "assistant"; text: string | null; toolCalls: { id: string | null; name: string; arguments: string }[] }
  | { kind: "tool"; toolCallId: string | null; toolName: string | null; text: string }
  | { kind: "unreadable"; text: string };

function asText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? "";
}

function prettyArguments(raw: unknown): string {
  if (typeof raw !== "string") return JSON.stringify(raw, null, 2) ?? "";
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw; // shown as the model wrote it: malformed arguments are part of what a reviewer should see
  }
}

/** The conversation in display form: tool results carry the name of the call they answer. */
export function toTrajectoryEntries(messages: unknown): TrajectoryEntry[] {
  if (!Array.isArray(messages)) return [{ kind: "unreadable", text: "the stored trajectory is not a list of messages" }];
  const callNames = new Map<string, string>();
  return messages.map((raw): TrajectoryEntry => {
    const parsed = ZMessage.safeParse(raw);
    if (!parsed.success) return { kind: "unreadable", text: asText(raw).slice(0, 2_000) };
    const m = parsed.data;
    if (m.role === "assistant") {
      const toolCalls = (m.tool_calls ?? []).map((c) => {
        if (c.id) callNames.set(c.id, c.function.name);
        return { id: c.id ?? null, name: c.function.name, arguments: prettyArguments(c.function.arguments) };
      });
      return { kind: "assistant", text: m.content ?? null, toolCalls };
    }
    if (m.role === "tool") return { kind: "tool", toolCallId: m.tool_call_id ?? null, toolName: m.tool_call_id ? (callNames.get(m.tool_call_id) ?? null) : null, text: asText(m.content) };
    return { kind: m.role, text: asText(m.content) };
  });
}

export async function getRollout({ db, runId, taskId, stepIndex, sample }: { db: Db; runId: string; taskId: string; stepIndex: number; sample: number }) {
  const row = await db.rollout.findUnique({
    where: { runId_stepIndex_taskId_sample: { runId, stepIndex, taskId, sample } },
    select: {
      runId: true,
      stepIndex: true,
      sample: true,
      policyVersion: true,
      messages: true,
      turnResults: true,
      reward: true,
      success: true,
      advantage: true,
      tokensIn: true,
      tokensOut: true,
      latencyMs: true,
      infraError: true,
      createdAt: true,
      run: { select: { name: true, config: true } },
    },
  });
  if (!row) throw new AppError("NOT_FOUND", `No rollout ${sample} of this task at step ${stepIndex + 1} of that run; pick one from the lists.`);
  const turns = z.array(ZTurnResult).safeParse(row.turnResults ?? []);
  const { messages, turnResults: _raw, run, ...rest } = row;
  return {
    ...rest,
    runName: run.name,
    /** the simulated learner estimates its tokens (characters ÷ 4); OpenAI-compatible servers report them */
    areTokensEstimated: areRunTokensEstimated(run.config),
    entries: toTrajectoryEntries(messages),
    turnResults: turns.success ? turns.data.map((t) => ({ stateOk: t.stateOk, execOk: t.execOk, reason: t.reason ?? null })) : [],
  };
}
