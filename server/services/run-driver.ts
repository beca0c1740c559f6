// The run driver: one tick advances a run by one move (plan an epoch, fan out a step, finish a step, close an
// epoch, finish the run). Ticks are serialised per run by a row lock, and every write is keyed so that a tick
// repeated after a crash changes nothing twice.
import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { JOBS, type JobSender } from "../jobs/contract";
import { planInjection, planRetirements, pruneOverPMax } from "../rods/buffer";
import { modeFlags, type TRunConfig } from "../rods/config";
import { canEvaluateEarly, isEvalEpoch, isPoolFrozenAfter } from "../rods/schedule";
import { selectSeeds } from "../rods/seeds";
import { groupStats, regionOf, rewardOf as trainingReward, stepAggregates } from "../rods/stats";
import { createRng, hashSeed } from "../rods/random";
import { updatePolicyAfterStep } from "./policy-store";
import { holdForReview } from "./review-gate";
import { startNextStudyRun } from "./study-service";
import { isExternalTrainer, trainerAllows, trainerGate } from "./trainer-service";
import { claimStepsAhead, canRollAhead, ROLL_AHEAD_STEPS } from "./roll-ahead";
import { epochBatches, nextEpochSteps } from "./epoch-ahead";
import { isEpochWaitingForSynthesis } from "./epoch-gate";
import { refreshRunAggregateInTx } from "./monitor/run-aggregate";
import { writeStepAggregate } from "./monitor/step-aggregates";
import { isRunBudgetSpent, releaseUnstartedSteps } from "./run-budget";
import { plannedTotalNow } from "./step-plan-service";

type Tx = Prisma.TransactionClient;

/** Seconds a rolling step may miss groups before their jobs are sent again (a killed worker's jobs). */
const RESEND_AFTER_SECONDS = 45;

export type TickOutcome = "idle" | "waiting" | "advanced" | "completed";

async function lockRun(tx: Tx, runId: string) {
  await tx.$queryRaw`SELECT id FROM "Run" WHERE id = ${runId} FOR UPDATE`;
  return tx.run.findUniqueOrThrow({
    where: { id: runId },
    select: { id: true, status: true, config: true, currentEpoch: true, currentStep: true, policyVersion: true, datasetId: true },
  });
}

export async function tickRun({ db, jobs, runId }: { db: Db; jobs: JobSender; runId: string }): Promise<TickOutcome> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, config: true, currentEpoch: true, currentStep: true, startedAt: true } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return "idle";
  const config = run.config as unknown as TRunConfig;
  if (run.status === "queued") await db.run.updateMany({ where: { id: runId, status: "queued" }, data: { status: "running", startedAt: run.startedAt ?? new Date() } });
  // A run paused before its first tick is resumed as running: it starts now.
  else if (!run.startedAt) await db.run.updateMany({ where: { id: runId, startedAt: null }, data: { startedAt: new Date() } });

  if (run.currentEpoch >= config.epochs || (await isRunBudgetSpent({ db, runId, config, stepsDone: run.currentStep }))) {
    if ((await trainerGate({ db, runId, config, stepIndex: null })) === "wait") return "waiting";
    return finishRun({ db, jobs, runId, finalStep: run.currentStep, finalEpoch: run.currentEpoch });
  }

  const steps = await db.step.findMany({
    where: { runId, epoch: run.currentEpoch },
    select: { index: true, epoch: true, status: true, taskIds: true, rollingSince: true, finishedAt: true },
    orderBy: { index: "asc" },
  });
  if (steps.length === 0) {
    await planEpoch({ db, jobs, runId, config });
    return "advanced";
  }
  const step = steps.find((s) => s.status !== "done");
  if (!step) {
    const lastFinishedAt = steps.reduce<Date | null>((t, s) => (s.finishedAt && (!t || s.finishedAt > t) ? s.finishedAt : t), null);
    if (await isEpochWaitingForSynthesis({ db, runId, stepIndexes: steps.map((s) => s.index), lastFinishedAt })) return "waiting";
    if (await holdForReview({ db, runId, config, epoch: run.currentEpoch })) return "waiting";
    await closeEpoch({ db, jobs, runId, epoch: run.currentEpoch });
    return "advanced";
  }
  if (step.status === "pending") {
    if ((await trainerGate({ db, runId, config, stepIndex: step.index })) === "wait") return "waiting";
    // Only the tick that flips the step sends its groups (ticks may run side by side in several workers).
    const flipped = await db.step.updateMany({ where: { runId, index: step.index, status: "pending" }, data: { status: "rolling", rollingSince: new Date() } });
    // A trainer-driven run's step is claimed and rolled out by its trainer (trainer-run-service); RODS sends nothing.
    if (config.rollouts !== "trainer") {
      if (flipped.count === 1) await startStep({ jobs, runId, config, step, epochSteps: steps });
      await rollAhead({ db, jobs, runId, config, epoch: run.currentEpoch, stepIndex: step.index, epochSteps: steps });
    }
    return "waiting";
  }
  const complete = await completedGroups({ db, runId, stepIndex: step.index, k: config.k });
  if (complete.size < step.taskIds.length) {
    if (config.rollouts === "trainer") return "waiting";
    await rollAhead({ db, jobs, runId, config, epoch: run.currentEpoch, stepIndex: step.index, epochSteps: steps });
    // A step rolled ahead waited behind the previous one: its clock starts when that one finished.
    // (The previous step may be the last of the previous epoch, when this one was planned and rolled ahead early.)
    const previous = steps.find((s) => s.index === step.index - 1) ?? (step.index > 0 ? await db.step.findUnique({ where: { runId_index: { runId, index: step.index - 1 } }, select: { finishedAt: true } }) : null);
    const previousFinished = previous?.finishedAt?.getTime() ?? 0;
    const age = (Date.now() - Math.max(step.rollingSince?.getTime() ?? 0, previousFinished)) / 1000;
    if (age > RESEND_AFTER_SECONDS) {
      await db.step.update({ where: { runId_index: { runId, index: step.index } }, data: { rollingSince: new Date() } });
      await sendGroups({ jobs, runId, stepIndex: step.index, taskIds: step.taskIds.filter((t) => !complete.has(t)), config });
    }
    return "waiting";
  }
  await finishStep({ db, jobs, runId, stepIndex: step.index });
  return "advanced";
}

type EpochStep = { index: number; epoch: number; status: string; taskIds: string[] };

/** Queues the next steps' groups early when the method allows it (see roll-ahead.ts), across a frozen epoch boundary. */
async function rollAhead({ db, jobs, runId, config, epoch, stepIndex, epochSteps }: { db: Db; jobs: JobSender; runId: string; config: TRunConfig; epoch: number; stepIndex: number; epochSteps: EpochStep[] }) {
  let steps = epochSteps;
  const last = epochSteps.at(-1);
  if (last && stepIndex + ROLL_AHEAD_STEPS > last.index && epoch + 1 < config.epochs && canRollAhead(config, last.index + 1) && isPoolFrozenAfter(config, epoch)) {
    steps = [...epochSteps, ...(await nextEpochSteps({ db, runId, config, epoch, firstIndex: last.index + 1 }))];
  }
  // An external trainer's lag rule holds for steps rolled ahead too.
  const claimed = await claimStepsAhead({ db, runId, config, stepIndex, epochSteps: steps, allows: (index) => trainerAllows({ db, runId, config, stepIndex: index }) });
  for (const next of claimed) await startStep({ jobs, runId, config, step: next, epochSteps: steps });
}

/** Sends a step's groups once it is marked rolling; with an epoch's last step, an evaluation that may run beside it. */
async function startStep({ jobs, runId, config, step, epochSteps }: { jobs: JobSender; runId: string; config: TRunConfig; step: EpochStep; epochSteps: EpochStep[] }) {
  await sendGroups({ jobs, runId, stepIndex: step.index, taskIds: step.taskIds, config });
  const isLastOfEpoch = !epochSteps.some((s) => s.epoch === step.epoch && s.index > step.index);
  if (isLastOfEpoch && canEvaluateEarly(config) && isEvalEpoch({ epoch: step.epoch + 1, epochs: config.epochs, evalEveryEpochs: config.evalEveryEpochs })) {
    await jobs.send(JOBS.evaluate, { runId, stepIndex: step.index + 1, epoch: step.epoch + 1 }, { singletonKey: `${runId}:${step.index + 1}` });
  }
}

function groupExpirySeconds(config: TRunConfig): number {
  // A killed worker's job is retried once it expires: short for the simulated learner, long for real models.
  return config.policy.kind === "simulated" ? 60 : 3600;
}

async function sendGroups({ jobs, runId, stepIndex, taskIds, config }: { jobs: JobSender; runId: string; stepIndex: number; taskIds: string[]; config: TRunConfig }) {
  const expireInSeconds = groupExpirySeconds(config);
  await Promise.all(
    taskIds.map((taskId) => jobs.send(JOBS.rolloutGroup, { runId, stepIndex, taskId }, { singletonKey: `${runId}:${stepIndex}:${taskId}`, expireInSeconds })),
  );
}

/** Tasks of a step whose K rollouts are all stored (infrastructure failures count as stored). */
async function completedGroups({ db, runId, stepIndex, k }: { db: Db; runId: string; stepIndex: number; k: number }): Promise<Set<string>> {
  const rows = await db.rollout.groupBy({ by: ["taskId"], where: { runId, stepIndex }, _count: { _all: true } });
  return new Set(rows.filter((r) => r._count._all >= k).map((r) => r.taskId));
}

async function planEpoch({ db, jobs, runId, config }: { db: Db; jobs: JobSender; runId: string; config: TRunConfig }) {
  const isFirst = await db.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    const existing = await tx.step.count({ where: { runId, epoch: run.currentEpoch } });
    if (existing > 0) return false;
    const batches = await epochBatches({ tx, runId, config, epoch: run.currentEpoch });
    await tx.step.createMany({
      data: batches.map((taskIds, i) => ({ runId, index: run.currentStep + i, epoch: run.currentEpoch, stepInEpoch: i, taskIds })),
      skipDuplicates: true,
    });
    await tx.run.update({ where: { id: runId }, data: { totalSteps: await plannedTotalNow({ tx, runId, config, epoch: run.currentEpoch }) } });
    await refreshRunAggregateInTx({ tx, runId, parts: ["pool"] }); // the monitor's step plan counts the epoch's steps
    return run.currentEpoch === 0;
  });
  if (isFirst) await jobs.send(JOBS.evaluate, { runId, stepIndex: 0, epoch: 0 }, { singletonKey: `${runId}:0` });
}

interface StepRollout {
  taskId: string;
  sample: number;
  reward: number | null;
  success: boolean | null;
  infraError: string | null;
  behaviour: unknown;
  tokensIn: number;
  tokensOut: number;
  jobCpuMs: number;
  jobWallMs: number;
}

async function finishStep({ db, jobs, runId, stepIndex }: { db: Db; jobs: JobSender; runId: string; stepIndex: number }) {
  const seedsToSynthesize = await db.$transaction(
    async (tx) => {
      const run = await lockRun(tx, runId);
      const config = run.config as unknown as TRunConfig;
      const flags = modeFlags(config.mode);
      const step = await tx.step.findUniqueOrThrow({ where: { runId_index: { runId, index: stepIndex } }, select: { status: true, taskIds: true, epoch: true } });
      if (step.status === "done") return [];
      const rollouts: StepRollout[] = await tx.rollout.findMany({
        where: { runId, stepIndex },
        select: { taskId: true, sample: true, reward: true, success: true, infraError: true, behaviour: true, tokensIn: true, tokensOut: true, jobCpuMs: true, jobWallMs: true },
        orderBy: [{ taskId: "asc" }, { sample: "asc" }],
      });
      const entries = await tx.poolEntry.findMany({ where: { runId, taskId: { in: step.taskIds } }, select: { taskId: true, isSeed: true, lastSeedStep: true } });
      const entryOf = new Map(entries.map((e) => [e.taskId, e]));
      const tasks = await tx.task.findMany({ where: { id: { in: step.taskIds } }, select: { id: true, category: true } });
      const categoryOf = new Map(tasks.map((t) => [t.id, t.category]));

      // Training reward per rollout: progress reward, or binary success in the binary_reward ablation.
      const byTask = new Map<string, StepRollout[]>();
      for (const r of rollouts) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);
      const rewardOf = (r: StepRollout) => trainingReward({ progressReward: r.reward ?? 0, success: r.success === true }, flags.isBinaryReward);
      const stats = step.taskIds.map((taskId) => {
        const group = (byTask.get(taskId) ?? []).filter((r) => r.infraError === null);
        const rewards = group.map(rewardOf);
        const s = groupStats(rewards);
        return {
          taskId,
          group,
          rewards,
          ...s,
          region: regionOf(s.mean, config),
          infraFailures: (byTask.get(taskId) ?? []).length - group.length,
          isSeed: entryOf.get(taskId)?.isSeed ?? true,
        };
      });
      const scored = stats.filter((s) => s.rewards.length > 0);
      await tx.taskStepStat.createMany({
        data: scored.map((s) => ({
          runId,
          stepIndex,
          taskId: s.taskId,
          rewards: s.rewards,
          successes: s.group.filter((r) => r.success).length,
          mean: s.mean,
          variance: s.variance,
          phi: s.phi,
          region: s.region,
          infraFailures: s.infraFailures,
        })),
        skipDuplicates: true,
      });
      const agg = stepAggregates(scored.map((s) => ({ taskId: s.taskId, rewards: s.rewards, isSeed: s.isSeed })), config);
      const infraFailures = rollouts.filter((r) => r.infraError !== null).length;
      if (scored.length) {
        const values = Prisma.join(scored.map((s) => Prisma.sql`(${s.taskId}, ${s.mean}::double precision)`));
        await tx.$executeRaw`
          UPDATE "PoolEntry" p SET "lastMean" = v.mean, "firstMean" = COALESCE(p."firstMean", v.mean), "updatedAt" = now()
          FROM (VALUES ${values}) AS v(task_id, mean) WHERE p."runId" = ${runId} AND p."taskId" = v.task_id`;
      }

      // An external trainer trains on the published batch and moves the version with its ack.
      const isExternal = isExternalTrainer(config);
      const newVersion = isExternal ? run.policyVersion : await updatePolicyAfterStep({
        tx,
        runId,
        stepIndex,
        config,
        policyVersion: run.policyVersion,
        groups: scored.map((s) => ({ rollouts: s.group.map((r) => ({ behaviour: r.behaviour, reward: rewardOf(r) })) })),
      });

      const isInfraHeavy = rollouts.length > 0 && infraFailures / rollouts.length > config.pauseOnInfraFraction;
      await tx.step.update({
        where: { runId_index: { runId, index: stepIndex } },
        data: {
          status: "done",
          finishedAt: new Date(),
          numTasks: step.taskIds.length,
          numRollouts: rollouts.length,
          infraFailures,
          meanReward: scored.length ? agg.meanReward : null,
          informativeFraction: scored.length ? agg.informativeFraction : null,
          meanPhi: scored.length ? agg.meanPhi : null,
          gradConcentration: scored.length ? agg.gradConcentration : null,
          regions: agg.regions as unknown as Prisma.InputJsonValue,
          tokensIn: rollouts.reduce((n, r) => n + r.tokensIn, 0),
          tokensOut: rollouts.reduce((n, r) => n + r.tokensOut, 0),
          rolloutCpuMs: rollouts.reduce((n, r) => n + r.jobCpuMs, 0),
          rolloutWallMs: rollouts.reduce((n, r) => n + r.jobWallMs, 0),
          policyVersion: run.policyVersion,
          ...(isExternal ? { publishedAt: new Date() } : {}),
        },
      });

      let seeds: string[] = [];
      if (flags.synthesizes && (!flags.isSingleRound || step.epoch === 0)) {
        seeds = selectSeeds({
          candidates: scored.map((s) => ({
            taskId: s.taskId,
            category: categoryOf.get(s.taskId) ?? "unknown",
            mean: s.mean,
            phi: s.phi,
            region: s.region,
            lastSeedStep: entryOf.get(s.taskId)?.lastSeedStep ?? null,
          })),
          step: stepIndex,
          quotaPerCategory: config.seedQuotaPerCategory,
          cooldownSteps: config.cooldownSteps,
          isRandom: flags.isRandomSeeds,
          rng: createRng(hashSeed(config.seed, "seeds", stepIndex)),
        });
        if (seeds.length) await tx.poolEntry.updateMany({ where: { runId, taskId: { in: seeds } }, data: { lastSeedStep: stepIndex } });
      }
      const attempts = [];
      for (const seedTaskId of seeds) {
        attempts.push(
          await tx.synthesisAttempt.create({ data: { runId, stepIndex, seedTaskId, backend: config.synthesizer.kind }, select: { id: true } }),
        );
      }
      await tx.run.update({
        where: { id: runId },
        data: {
          currentStep: stepIndex + 1,
          policyVersion: newVersion,
          ...(isInfraHeavy
            ? { status: "paused", statusReason: `Paused: ${infraFailures} of ${rollouts.length} rollouts of step ${stepIndex + 1} failed for infrastructure reasons (see the trajectories). Resume when the policy server is healthy.` }
            : {}),
        },
      });
      await writeStepAggregate({ tx, runId, stepIndex });
      return attempts.map((a) => a.id);
    },
    { timeout: 120_000 },
  );
  await Promise.all(seedsToSynthesize.map((attemptId) => jobs.send(JOBS.synthesize, { runId, attemptId }, { singletonKey: attemptId })));
}

/** Closes `epoch`, the one the tick saw done; a tick of another worker may have closed it (and moved on) meanwhile. */
async function closeEpoch({ db, jobs, runId, epoch: seen }: { db: Db; jobs: JobSender; runId: string; epoch: number }) {
  const evaluation = await db.$transaction(
    async (tx) => {
      const run = await lockRun(tx, runId);
      if (run.currentEpoch !== seen) return null;
      const config = run.config as unknown as TRunConfig;
      const flags = modeFlags(config.mode);
      const pending = await tx.step.count({ where: { runId, epoch: run.currentEpoch, status: { not: "done" } } });
      if (pending > 0) return null;
      const epoch = run.currentEpoch;
      if (flags.retires) {
        const active = await tx.poolEntry.findMany({ where: { runId, state: "active" }, select: { taskId: true, isSeed: true, enteredEpoch: true } });
        const stats = await tx.taskStepStat.findMany({
          where: { runId, taskId: { in: active.map((a) => a.taskId) } },
          select: { taskId: true, mean: true, phi: true, stepIndex: true },
          orderBy: { stepIndex: "asc" },
        });
        const observations = new Map<string, number[]>();
        const lastPhi = new Map<string, number>();
        for (const s of stats) {
          observations.set(s.taskId, [...(observations.get(s.taskId) ?? []), s.mean]);
          lastPhi.set(s.taskId, s.phi);
        }
        const retirements = planRetirements({
          entries: active.map((a) => ({ taskId: a.taskId, isSeed: a.isSeed, enteredEpoch: a.enteredEpoch ?? 0, observations: observations.get(a.taskId) ?? [] })),
          burnInThreshold: config.burnInThreshold,
          driftHigh: config.driftHigh,
          driftLow: config.driftLow,
          driftWindow: config.driftWindow,
          pMax: config.pMax,
          phiOf: (taskId) => lastPhi.get(taskId) ?? 0,
        });
        for (const reason of ["burn_in", "mastered", "unsolvable", "pruned"] as const) {
          const ids = retirements.filter((r) => r.reason === reason).map((r) => r.taskId);
          if (ids.length) await tx.poolEntry.updateMany({ where: { runId, taskId: { in: ids }, state: "active" }, data: { state: "retired", retireReason: reason, leftEpoch: epoch } });
        }
      }
      // no_refresh: its one round enters at the end of the first epoch, and the pool is frozen after that.
      if (flags.synthesizes && (!flags.isSingleRound || epoch === 0)) {
        const staged = await tx.poolEntry.findMany({
          where: { runId, state: "staged", task: { reviewState: { in: ["none", "approved"] } } },
          select: { taskId: true, stagedStep: true },
          orderBy: [{ stagedStep: "asc" }, { taskId: "asc" }],
        });
        const activeCount = await tx.poolEntry.count({ where: { runId, state: "active" } });
        const activeSynthesizedCount = await tx.poolEntry.count({ where: { runId, state: "active", isSeed: false } });
        const plan = planInjection({
          staged: staged.map((s) => ({ taskId: s.taskId, stagedStep: s.stagedStep ?? 0 })),
          activeCount,
          activeSynthesizedCount,
          beta: config.beta,
          pMax: config.pMax,
          canPrune: flags.retires,
        });
        if (plan.inject.length) await tx.poolEntry.updateMany({ where: { runId, taskId: { in: plan.inject }, state: "staged" }, data: { state: "active", enteredEpoch: epoch + 1 } });
        if (flags.retires && plan.inject.length) await pruneAfterInjection({ tx, runId, pMax: config.pMax, epoch });
      }
      await tx.run.update({ where: { id: runId }, data: { currentEpoch: epoch + 1 } });
      await refreshRunAggregateInTx({ tx, runId, parts: ["pool"] });
      const isDue = isEvalEpoch({ epoch: epoch + 1, epochs: config.epochs, evalEveryEpochs: config.evalEveryEpochs });
      // With an external trainer the ack of the epoch's last step starts the evaluation (of the acknowledged version).
      return isDue && !isExternalTrainer(config) ? { stepIndex: run.currentStep, epoch: epoch + 1 } : null;
    },
    { timeout: 120_000 },
  );
  if (evaluation) await jobs.send(JOBS.evaluate, { runId, ...evaluation }, { singletonKey: `${runId}:${evaluation.stepIndex}` });
}


/** Invariant: the synthesized part of the active pool stays ≤ P_max after injection (rule in server/rods/buffer.ts). */
async function pruneAfterInjection({ tx, runId, pMax, epoch }: { tx: Tx; runId: string; pMax: number; epoch: number }) {
  const active = await tx.poolEntry.findMany({ where: { runId, state: "active", isSeed: false }, select: { taskId: true, enteredEpoch: true, lastMean: true } });
  if (active.length <= pMax) return;
  const stats = await tx.taskStepStat.findMany({ where: { runId, taskId: { in: active.map((a) => a.taskId) } }, select: { taskId: true, phi: true }, orderBy: { stepIndex: "asc" } });
  const lastPhi = new Map(stats.map((s) => [s.taskId, s.phi]));
  const pruned = pruneOverPMax({
    entries: active.map((a) => ({ taskId: a.taskId, isSeed: false, enteredEpoch: a.enteredEpoch ?? 0, observations: a.lastMean === null ? [] : [a.lastMean] })),
    pMax,
    phiOf: (taskId) => lastPhi.get(taskId) ?? 0,
  }).map((r) => r.taskId);
  if (pruned.length) await tx.poolEntry.updateMany({ where: { runId, taskId: { in: pruned }, state: "active" }, data: { state: "retired", retireReason: "pruned", leftEpoch: epoch } });
}

async function finishRun({ db, jobs, runId, finalStep, finalEpoch }: { db: Db; jobs: JobSender; runId: string; finalStep: number; finalEpoch: number }): Promise<TickOutcome> {
  const evaluated = await db.evaluation.count({ where: { runId, stepIndex: finalStep } });
  if (evaluated === 0) {
    // A run ended by its budget mid-epoch leaves planned steps that never started: they are not part of the run.
    await releaseUnstartedSteps({ db, runId, stepsDone: finalStep });
    await jobs.send(JOBS.evaluate, { runId, stepIndex: finalStep, epoch: finalEpoch }, { singletonKey: `${runId}:${finalStep}` });
    return "waiting";
  }
  const done = await db.run.updateMany({ where: { id: runId, status: "running" }, data: { status: "completed", finishedAt: new Date() } });
  // A study works its runs one after another: the tick that completes this one starts the next.
  if (done.count === 1) await startNextStudyRun({ db, jobs, runId });
  return "completed";
}
