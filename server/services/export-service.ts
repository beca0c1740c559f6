// A run's data out of RODS, streamed in batches so memory stays flat on large runs: its task pool (seeds and
// synthesized tasks, rejected ones left out) in BFCL's multi-turn format (a folder `rods import` reads back), as
// Parquet in verl's RL dataset layout and as JSONL for TRL / Hugging Face datasets; its trajectories as JSONL; its
// per-step metrics and costs as CSV. Token counts say whether they are estimates (the simulated learner's are). The CLI writes to a path; the web routes stream the same bytes (a folder as a tar).
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db } from "../db";
import { classTools } from "../envs/bfcl/bfcl-env";
import { toolNamesPerTurn } from "../envs/bfcl/tool-docs";
import type { GroundTruthCall } from "../envs/bfcl/dataset";
import { AppError } from "../errors";
import { openParquetFile, type ParquetField } from "../exports/parquet";
import { tarFolder } from "../exports/tar";
import { csvLine } from "../rods/csv";
import { areRunTokensEstimated } from "../rods/token-estimate";

export const EXPORT_FORMATS = ["bfcl", "verl-parquet", "trl-jsonl", "trajectories", "metrics-csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_DESCRIPTIONS: Readonly<Record<ExportFormat, string>> = {
  bfcl: "task pool in BFCL multi-turn format (questions/ and answers/ per category; re-importable with rods import)",
  "verl-parquet": "task pool as Parquet in verl's RL dataset layout (data_source, prompt, ability, reward_model, extra_info)",
  "trl-jsonl": "task pool as JSONL for TRL / Hugging Face datasets (conversational prompt, tools, ground truth)",
  trajectories: "every stored rollout as JSONL (OpenAI messages, tools, reward, advantage, step, policy version, tokens and whether they are estimated)",
  "metrics-csv": "one CSV row per finished step (informative fraction, φ, regions, rollouts, tokens and whether they are estimated, held-out, what rollouts and synthesis cost)",
};

/** What a browser download of a format is called and served as. */
export function exportFileName(runId: string, format: ExportFormat): { name: string; contentType: string } {
  switch (format) {
    case "bfcl":
      return { name: `rods-${runId}-bfcl.tar`, contentType: "application/x-tar" };
    case "verl-parquet":
      return { name: `rods-${runId}-verl.parquet`, contentType: "application/vnd.apache.parquet" };
    case "trl-jsonl":
      return { name: `rods-${runId}-trl.jsonl`, contentType: "application/x-ndjson; charset=utf-8" };
    case "trajectories":
      return { name: `rods-${runId}-trajectories.jsonl`, contentType: "application/x-ndjson; charset=utf-8" };
    case "metrics-csv":
      return { name: `rods-${runId}-metrics.csv`, contentType: "text/csv; charset=utf-8" };
  }
}

const TASK_BATCH = 200;
const ROLLOUT_BATCH = 500;
const DATA_SOURCE = "rods/bfcl_multi_turn";

const exportTaskSelect = {
  id: true,
  externalId: true,
  category: true,
  split: true,
  origin: true,
  parentId: true,
  reviewState: true,
  involvedClasses: true,
  initialConfig: true,
  turns: true,
  groundTruth: true,
  missedFunctions: true,
} as const;

interface ExportTask {
  id: string;
  externalId: string;
  category: string;
  split: string;
  origin: string;
  parentId: string | null;
  reviewState: string;
  involvedClasses: string[];
  initialConfig: unknown;
  turns: unknown;
  groundTruth: unknown;
  missedFunctions: unknown;
}

async function assertRun(db: Db, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, name: true, mode: true, config: true } });
  if (!run) throw new AppError("NOT_FOUND", `No run with id "${runId}". List runs on the runs page (or /runs) and pass one of their ids.`);
  return run;
}

/** The run's pool tasks (every state: staged, active, retired) but rejected ones, in batches, by task id. */
async function* poolTasks(db: Db, runId: string): AsyncGenerator<ExportTask[]> {
  let cursor: string | undefined;
  for (;;) {
    const entries = await db.poolEntry.findMany({
      where: { runId, task: { reviewState: { not: "rejected" } }, ...(cursor ? { taskId: { gt: cursor } } : {}) },
      select: { taskId: true, task: { select: exportTaskSelect } },
      orderBy: { taskId: "asc" },
      take: TASK_BATCH,
    });
    if (entries.length === 0) return;
    cursor = entries.at(-1)!.taskId;
    yield entries.map((e) => e.task as ExportTask);
  }
}

const userTurns = (task: ExportTask) => task.turns as { role: "user"; content: string }[][];
const gtSources = (task: ExportTask) => (task.groundTruth as GroundTruthCall[][]).map((turn) => turn.map((c) => c.source));
const missed = (task: ExportTask) => (task.missedFunctions ?? {}) as Record<string, string[]>;

/** OpenAI tool schemas of every tool the task offers at some turn (held-back ones included, they arrive later). */
function toolsOf(task: ExportTask) {
  const names = new Set(toolNamesPerTurn({ involvedClasses: task.involvedClasses, missedFunctions: missed(task), numTurns: userTurns(task).length }).flat());
  return task.involvedClasses.flatMap((c) => classTools(c)).filter((t) => names.has(t.function.name));
}

function bfclQuestion(task: ExportTask) {
  const m = missed(task);
  return {
    id: task.externalId,
    question: userTurns(task),
    initial_config: task.initialConfig,
    involved_classes: task.involvedClasses,
    ...(Object.keys(m).length ? { missed_function: m } : {}),
  };
}

function trlRow(task: ExportTask) {
  const turns = userTurns(task);
  return {
    prompt: turns[0] ?? [],
    tools: toolsOf(task),
    task_id: task.externalId,
    rods_task_id: task.id,
    category: task.category,
    origin: task.origin,
    parent_id: task.parentId,
    split: task.split,
    user_turns: turns,
    ground_truth: gtSources(task),
    initial_config: task.initialConfig,
    involved_classes: task.involvedClasses,
    missed_function: missed(task),
  };
}

const VERL_FIELDS: ParquetField[] = [
  { name: "data_source", type: "string" },
  { name: "prompt", type: "list", element: { name: "element", type: "struct", fields: [{ name: "role", type: "string" }, { name: "content", type: "string" }] } },
  { name: "ability", type: "string" },
  { name: "reward_model", type: "struct", fields: [{ name: "style", type: "string" }, { name: "ground_truth", type: "string" }] },
  {
    name: "extra_info",
    type: "struct",
    fields: [
      { name: "index", type: "int64" },
      { name: "split", type: "string" },
      { name: "task_id", type: "string" },
      { name: "rods_task_id", type: "string" },
      { name: "category", type: "string" },
      { name: "origin", type: "string" },
      { name: "parent_id", type: "string", isOptional: true },
      { name: "tools", type: "string" },
      { name: "user_turns", type: "string" },
      { name: "initial_config", type: "string" },
      { name: "involved_classes", type: "string" },
      { name: "missed_function", type: "string" },
    ],
  },
];

function verlRow(task: ExportTask, index: number) {
  const turns = userTurns(task);
  return {
    data_source: DATA_SOURCE,
    prompt: turns[0] ?? [],
    ability: "multi_turn_tool_use",
    // Nested JSON as strings: Parquet needs one schema for every row, and configs differ per API class.
    reward_model: { style: "rule", ground_truth: JSON.stringify(gtSources(task)) },
    extra_info: {
      index,
      split: task.split,
      task_id: task.externalId,
      rods_task_id: task.id,
      category: task.category,
      origin: task.origin,
      parent_id: task.parentId,
      tools: JSON.stringify(toolsOf(task)),
      user_turns: JSON.stringify(turns),
      initial_config: JSON.stringify(task.initialConfig),
      involved_classes: JSON.stringify(task.involvedClasses),
      missed_function: JSON.stringify(missed(task)),
    },
  };
}

/** Every stored rollout of the run as one JSON line each, step by step. */
async function* trajectoryLines(db: Db, runId: string, areTokensEstimated: boolean): AsyncGenerator<string> {
  const toolCache = new Map<string, unknown>();
  let cursor: { stepIndex: number; taskId: string; sample: number } | undefined;
  for (;;) {
    const rows = await db.rollout.findMany({
      where: { runId },
      select: {
        id: true,
        stepIndex: true,
        sample: true,
        policyVersion: true,
        messages: true,
        reward: true,
        success: true,
        advantage: true,
        turnResults: true,
        tokensIn: true,
        tokensOut: true,
        latencyMs: true,
        infraError: true,
        task: { select: { id: true, externalId: true, involvedClasses: true, missedFunctions: true, turns: true } },
      },
      // Step by step, in the order of the (run, step, task, sample) unique index, which the cursor walks.
      orderBy: [{ stepIndex: "asc" }, { taskId: "asc" }, { sample: "asc" }],
      take: ROLLOUT_BATCH,
      ...(cursor ? { cursor: { runId_stepIndex_taskId_sample: { runId, ...cursor } }, skip: 1 } : {}),
    });
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    cursor = { stepIndex: last.stepIndex, taskId: last.task.id, sample: last.sample };
    for (const r of rows) {
      let tools = toolCache.get(r.task.id);
      if (!tools) {
        tools = toolsOf({ ...r.task, category: "", split: "", origin: "", parentId: null, reviewState: "", initialConfig: null, groundTruth: [] });
        toolCache.set(r.task.id, tools);
      }
      yield JSON.stringify({
        run_id: runId,
        task_id: r.task.externalId,
        rods_task_id: r.task.id,
        step: r.stepIndex + 1,
        sample: r.sample,
        policy_version: r.policyVersion,
        messages: r.messages,
        tools,
        reward: r.reward,
        success: r.success,
        advantage: r.advantage,
        turn_results: r.turnResults,
        tokens_in: r.tokensIn,
        tokens_out: r.tokensOut,
        tokens_estimated: areTokensEstimated,
        latency_ms: r.latencyMs,
        infra_error: r.infraError,
      });
    }
  }
}

const METRIC_COLUMNS = [
  "step",
  "epoch",
  "tasks",
  "rollouts",
  "infra_failures",
  "mean_reward",
  "informative_fraction",
  "mean_phi",
  "grad_concentration",
  "hard",
  "boundary",
  "mastered",
  "tokens_in",
  "tokens_out",
  "policy_version",
  "started_at",
  "finished_at",
  "held_out_after_step",
  // Added later, so at the end: readers by position keep working.
  "tokens_estimated",
  "rollout_wall_ms",
  "rollout_cpu_ms",
  "synthesis_attempts",
  "synthesis_model_calls",
  "synthesis_tokens_in",
  "synthesis_tokens_out",
  "synthesis_wall_ms",
  "synthesis_cpu_ms",
] as const;

/**
 * One CSV line per finished step (1-based step and epoch), with the held-out score measured after that step and
 * what the step cost: its rollout jobs' wall time and worker CPU, and the synthesis attempts of seeds it picked.
 * Summed over the rows these are the figures of GET /api/v1/runs/{id}/costs once no attempt is running.
 */
async function* metricLines(db: Db, runId: string, areTokensEstimated: boolean): AsyncGenerator<string> {
  const [evaluations, attempts] = await Promise.all([
    db.evaluation.findMany({ where: { runId, split: "test", category: "overall" }, select: { stepIndex: true, score: true } }),
    db.synthesisAttempt.groupBy({
      by: ["stepIndex"],
      where: { runId },
      _count: { _all: true },
      _sum: { tokensIn: true, tokensOut: true, modelCalls: true, wallMs: true, cpuMs: true },
    }),
  ]);
  const heldOutAfter = new Map(evaluations.map((e) => [e.stepIndex, e.score]));
  const synthesisOf = new Map(attempts.map((a) => [a.stepIndex, a]));
  yield METRIC_COLUMNS.join(",");
  let from = 0;
  for (;;) {
    const steps = await db.step.findMany({ where: { runId, status: "done", index: { gte: from } }, orderBy: { index: "asc" }, take: 1000 });
    if (steps.length === 0) return;
    from = steps.at(-1)!.index + 1;
    for (const s of steps) {
      const regions = (s.regions ?? {}) as { seed?: Record<string, number>; synthesized?: Record<string, number> };
      const region = (name: string) => (regions.seed?.[name] === undefined ? null : regions.seed[name]! + (regions.synthesized?.[name] ?? 0));
      const row: Record<(typeof METRIC_COLUMNS)[number], unknown> = {
        step: s.index + 1,
        epoch: s.epoch + 1,
        tasks: s.numTasks,
        rollouts: s.numRollouts,
        infra_failures: s.infraFailures,
        mean_reward: s.meanReward,
        informative_fraction: s.informativeFraction,
        mean_phi: s.meanPhi,
        grad_concentration: s.gradConcentration,
        hard: region("hard"),
        boundary: region("boundary"),
        mastered: region("mastered"),
        tokens_in: s.tokensIn,
        tokens_out: s.tokensOut,
        policy_version: s.policyVersion,
        started_at: s.startedAt,
        finished_at: s.finishedAt,
        held_out_after_step: heldOutAfter.get(s.index + 1) ?? null,
        tokens_estimated: areTokensEstimated,
        rollout_wall_ms: s.rolloutWallMs,
        rollout_cpu_ms: s.rolloutCpuMs,
        synthesis_attempts: synthesisOf.get(s.index)?._count._all ?? 0,
        synthesis_model_calls: synthesisOf.get(s.index)?._sum.modelCalls ?? 0,
        synthesis_tokens_in: synthesisOf.get(s.index)?._sum.tokensIn ?? 0,
        synthesis_tokens_out: synthesisOf.get(s.index)?._sum.tokensOut ?? 0,
        synthesis_wall_ms: synthesisOf.get(s.index)?._sum.wallMs ?? 0,
        synthesis_cpu_ms: synthesisOf.get(s.index)?._sum.cpuMs ?? 0,
      };
      yield csvLine(METRIC_COLUMNS.map((c) => row[c]));
    }
  }
}

/** Writes lines to a file, waiting for the disk when its buffer is full. */
async function writeLines(file: string, lines: AsyncIterable<string>): Promise<number> {
  const out = createWriteStream(file, { encoding: "utf8" });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!out.write(`${line}\n`)) await once(out, "drain");
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  return n;
}

export interface ExportSummary {
  format: ExportFormat;
  path: string;
  /** tasks, rollouts or steps written */
  rows: number;
  files: string[];
}

/**
 * Writes one format of a run to `out`: a folder for bfcl (questions/<category>.jsonl, answers/<category>.jsonl),
 * else a file. Existing files of the same names are replaced.
 */
export async function exportRun({ db, runId, format, out }: { db: Db; runId: string; format: ExportFormat; out: string }): Promise<ExportSummary> {
  const run = await assertRun(db, runId);
  switch (format) {
    case "bfcl": {
      mkdirSync(path.join(out, "questions"), { recursive: true });
      mkdirSync(path.join(out, "answers"), { recursive: true });
      // One open file pair per category; tasks stream through in batches.
      const streams = new Map<string, { q: ReturnType<typeof createWriteStream>; a: ReturnType<typeof createWriteStream> }>();
      const write = async (s: ReturnType<typeof createWriteStream>, line: string) => {
        if (!s.write(`${line}\n`)) await once(s, "drain");
      };
      let rows = 0;
      try {
        for await (const batch of poolTasks(db, runId)) {
          for (const task of batch) {
            let pair = streams.get(task.category);
            if (!pair) {
              pair = { q: createWriteStream(path.join(out, "questions", `${task.category}.jsonl`)), a: createWriteStream(path.join(out, "answers", `${task.category}.jsonl`)) };
              streams.set(task.category, pair);
            }
            await write(pair.q, JSON.stringify(bfclQuestion(task)));
            await write(pair.a, JSON.stringify({ id: task.externalId, ground_truth: gtSources(task) }));
            rows++;
          }
        }
      } finally {
        await Promise.all([...streams.values()].flatMap((p) => [p.q, p.a]).map(async (s) => (s.end(), once(s, "close"))));
      }
      const files = [...streams.keys()].sort().flatMap((c) => [`questions/${c}.jsonl`, `answers/${c}.jsonl`]);
      return { format, path: out, rows, files };
    }
    case "verl-parquet": {
      mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      const file = openParquetFile({ file: out, fields: VERL_FIELDS, metadata: { "rods.run_id": runId, "rods.format": "verl-rl-dataset" } });
      let index = 0;
      for await (const batch of poolTasks(db, runId)) await file.append(batch.map((t) => verlRow(t, index++)));
      return { format, path: out, rows: await file.close(), files: [out] };
    }
    case "trl-jsonl":
    case "trajectories":
    case "metrics-csv": {
      mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      const lines = lineSource(db, run, format);
      const n = await writeLines(out, lines);
      return { format, path: out, rows: format === "metrics-csv" ? n - 1 : n, files: [out] };
    }
  }
}

function lineSource(db: Db, run: { id: string; config: unknown }, format: "trl-jsonl" | "trajectories" | "metrics-csv"): AsyncGenerator<string> {
  if (format === "trl-jsonl") return taskLines(db, run.id, trlRow);
  const isEstimated = areRunTokensEstimated(run.config);
  return format === "trajectories" ? trajectoryLines(db, run.id, isEstimated) : metricLines(db, run.id, isEstimated);
}

async function* taskLines(db: Db, runId: string, toRow: (t: ExportTask) => unknown): AsyncGenerator<string> {
  for await (const batch of poolTasks(db, runId)) for (const t of batch) yield JSON.stringify(toRow(t));
}

/**
 * The same export as a byte stream for an HTTP response. Line formats stream straight from the database; Parquet
 * and the bfcl folder (as a tar) are written to a temporary folder first, then streamed from disk and removed.
 */
export async function streamRunExport({ db, runId, format }: { db: Db; runId: string; format: ExportFormat }): Promise<ReadableStream<Uint8Array>> {
  const run = await assertRun(db, runId);
  const encoder = new TextEncoder();
  let source: AsyncGenerator<Uint8Array>;
  if (format === "trl-jsonl" || format === "trajectories" || format === "metrics-csv") {
    const lines = lineSource(db, run, format);
    source = (async function* () {
      for await (const line of lines) yield encoder.encode(`${line}\n`);
    })();
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "rods-export-"));
    source = (async function* () {
      try {
        if (format === "bfcl") {
          await exportRun({ db, runId, format, out: path.join(dir, "bfcl") });
          yield* tarFolder(path.join(dir, "bfcl"), `rods-${runId}-bfcl`);
        } else {
          const file = path.join(dir, "verl.parquet");
          await exportRun({ db, runId, format, out: file });
          const { createReadStream } = await import("node:fs");
          for await (const chunk of createReadStream(file)) yield chunk as Uint8Array;
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
