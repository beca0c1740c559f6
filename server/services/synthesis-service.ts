// One synthesis attempt: run the pipeline on its seed and store the outcome; an accepted task gets lineage and a
// structure profile, and is staged in the run's pool (or waits for review when the run reviews by hand).
import type { Db } from "../db";
import { contentHashOf } from "../envs/bfcl/dataset";
import type { Prisma } from "../generated/prisma/client";
import { modeFlags, type TRunConfig } from "../rods/config";
import { hashSeed } from "../rods/random";
import { createSynthesizer } from "../synthesis";
import type { Synthesizer, SynthesisResult } from "../synthesis/types";
import { startJobMeter, type JobMeter } from "./job-meter";
import { refreshSynthesisOf } from "./monitor/step-aggregates";
import { analyseTask } from "./task-analysis";
import { rolloutTaskSelect, toRolloutTask } from "./task-mapping";

const synthesizers = new Map<string, Synthesizer>();
function synthesizerFor(runId: string, config: TRunConfig): Synthesizer {
  let s = synthesizers.get(runId);
  if (!s) {
    s = createSynthesizer(config.synthesizer);
    synthesizers.set(runId, s);
  }
  return s;
}

export async function runSynthesisAttempt({ db, attemptId, synthesizer }: { db: Db; attemptId: string; synthesizer?: Synthesizer }) {
  const meter = startJobMeter();
  let result: Awaited<ReturnType<typeof synthesizeAndStore>>;
  try {
    result = await synthesizeAndStore({ db, attemptId, synthesizer, meter });
  } finally {
    meter.stop();
  }
  // The monitor's funnel of the attempt's step counts the outcome now stored.
  await refreshSynthesisOf({ db, attemptIds: [attemptId] });
  return result;
}

async function synthesizeAndStore({ db, attemptId, synthesizer, meter }: { db: Db; attemptId: string; synthesizer?: Synthesizer; meter: JobMeter }) {
  const attempt = await db.synthesisAttempt.findUnique({
    where: { id: attemptId },
    select: { id: true, outcome: true, runId: true, stepIndex: true, seedTask: { select: { ...rolloutTaskSelect, externalId: true, datasetId: true } } },
  });
  if (!attempt || attempt.outcome !== "running") return null;
  const run = attempt.runId ? await db.run.findUnique({ where: { id: attempt.runId }, select: { config: true, status: true } }) : null;
  if (!run || run.status === "cancelled") {
    await db.synthesisAttempt.update({ where: { id: attemptId }, data: { outcome: "cancelled", errorType: null, errorMessage: "the run was cancelled before this attempt ran", finishedAt: new Date() } });
    return null;
  }
  const config = run.config as unknown as TRunConfig;
  const seed = toRolloutTask(attempt.seedTask);
  const existingHashes = new Set((await db.task.findMany({ where: { datasetId: attempt.seedTask.datasetId }, select: { contentHash: true } })).map((t) => t.contentHash));
  const usage = { tokensIn: 0, tokensOut: 0, modelCalls: 0 };
  let result: SynthesisResult;
  try {
    result = await (synthesizer ?? synthesizerFor(attempt.runId!, config)).synthesize(seed, {
      seed: hashSeed(config.seed, "synthesis", attemptId),
      existingHashes,
      maxPatches: config.maxPatches,
      skipRewrite: modeFlags(config.mode).skipsRewrite,
      onModelUsage: (u) => {
        usage.tokensIn += u.promptTokens;
        usage.tokensOut += u.completionTokens;
        usage.modelCalls += 1;
      },
    });
  } catch (error) {
    result = { outcome: "dropped", stageReached: "plan", errorType: "pipeline_exception", errorMessage: error instanceof Error ? error.message : String(error), configPatches: [], gateResults: [] };
  }
  const common = {
    stageReached: result.stageReached,
    configPatches: result.configPatches as unknown as Prisma.InputJsonValue,
    gateResults: result.gateResults as unknown as Prisma.InputJsonValue,
    judgeVerdict: (result.judgeVerdict ?? undefined) as Prisma.InputJsonValue | undefined,
    finishedAt: new Date(),
    // The job's cost up to its last write (the write itself is a few ms of I/O).
    ...usage,
    ...meter.stop(),
  };
  if (result.outcome !== "accepted" || !result.task) {
    await db.synthesisAttempt.update({ where: { id: attemptId }, data: { ...common, outcome: "dropped", errorType: result.errorType ?? "pipeline_exception", errorMessage: result.errorMessage } });
    return result;
  }
  const task = result.task;
  const contentHash = contentHashOf(task.turns, task.groundTruth, task.initialConfig);
  const analysis = analyseTask({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext, groundTruth: task.groundTruth });
  const isManual = config.reviewPolicy === "manual";
  await db.$transaction(async (tx) => {
    const child = await tx.task.create({
      data: {
        datasetId: attempt.seedTask.datasetId,
        externalId: `${attempt.seedTask.externalId}~syn-${attemptId}`,
        category: task.category,
        split: "train",
        involvedClasses: task.involvedClasses,
        numTurns: task.turns.length,
        turns: task.turns as unknown as Prisma.InputJsonValue,
        initialConfig: task.initialConfig as unknown as Prisma.InputJsonValue,
        groundTruth: task.groundTruth as unknown as Prisma.InputJsonValue,
        missedFunctions: task.missedFunctions,
        longContext: task.longContext,
        structure: analysis.structure as unknown as Prisma.InputJsonValue,
        dependencyDepth: analysis.dependencyDepth,
        gtReplayOk: analysis.gtReplayOk,
        gtReplayReason: analysis.gtReplayReason,
        origin: "synthesized",
        parentId: seed.id,
        reviewState: isManual ? "pending" : "none",
        contentHash,
      },
      select: { id: true },
    });
    await tx.poolEntry.create({ data: { runId: attempt.runId!, taskId: child.id, state: "staged", isSeed: false, stagedStep: attempt.stepIndex ?? 0 } });
    await tx.synthesisAttempt.update({ where: { id: attemptId }, data: { ...common, outcome: "accepted", childTaskId: child.id } });
  });
  return result;
}
