// Studies: a grid of modes × seeds at one shared setting and budget, worked one run at a time through the job queue
// (so wall times compare), and its table (server/rods/study-table.ts) from per-step aggregates and evaluations.
import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { JOBS, type JobSender } from "../jobs/contract";
import { RUN_MODES, type RunMode, type TRunConfig } from "../rods/config";
import { buildStudyTable, type StudyRunInput, type StudyTable } from "../rods/study-table";
import { getRunCosts } from "./cost-service";
import { checkQuota, createRun, parseRunConfig, planRun } from "./runs-service";

export const ZStudyInput = z.object({
  name: z.string().trim().max(200).optional(),
  modes: z.array(z.enum(RUN_MODES)).min(1, "pick at least one mode").max(RUN_MODES.length),
  seeds: z.number().int().min(1, "at least one seed").max(10, "at most 10 seeds"),
  /** shared run settings; mode and seed are set per run */
  config: z.record(z.string(), z.unknown()).default({}),
});
export type TStudyInput = z.input<typeof ZStudyInput>;

export async function createStudy({
  db,
  jobs,
  input,
  createdById,
  quotaUser,
}: {
  db: Db;
  jobs: JobSender;
  input: unknown;
  createdById?: string;
  /** the user whose quotas apply (the UI); the command line on the server's machine has none */
  quotaUser?: { id: string; role: string };
}) {
  const parsed = ZStudyInput.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", `Invalid study: ${parsed.error.issues.map((i) => `${i.path.join(".") || "study"}: ${i.message}`).join("; ")}`);
  const { modes, seeds } = parsed.data;
  const unique = [...new Set(modes)];
  const { mode: _m, seed: _s, ...shared } = parsed.data.config;
  const checked = parseRunConfig({ ...shared, mode: unique[0] });
  if (checked.budgetSteps == null && checked.budgetRollouts == null) {
    throw new AppError("BAD_REQUEST", "A study compares modes at equal budgets: set budgetSteps (or budgetRollouts) in its settings, e.g. --budget-steps 24.");
  }
  if (quotaUser) {
    // Checked before anything is written: the study's runs count as one at once, and all their rollouts.
    let rollouts = 0;
    for (const mode of unique) rollouts += (await planRun({ db, config: parseRunConfig({ ...shared, mode, seed: 1 }) })).rollouts * seeds;
    await checkQuota({ db, userId: quotaUser.id, newRollouts: rollouts, what: `This study (${unique.length * seeds} runs)` });
  }
  const name = parsed.data.name || `study · ${unique.join(", ")} · ${seeds} seeds`;
  const study = await db.study.create({
    data: { name, modes: unique, seeds, config: shared as Prisma.InputJsonValue, createdById },
    select: { id: true },
  });
  // Seed-major order: a study stopped early still has whole seeds of every mode.
  for (let seed = 1; seed <= seeds; seed++) {
    for (const mode of unique) {
      await createRun({ db, jobs, name: `${name} · ${mode} · seed ${seed}`, config: { ...shared, mode, seed }, createdById, studyId: study.id, isHeld: true });
    }
  }
  await startNextStudyRun({ db, jobs, studyId: study.id });
  return getStudy({ db, id: study.id });
}

/** Starts the study's next held run when none of its runs is working; called when a run ends. */
export async function startNextStudyRun({ db, jobs, studyId, runId }: { db: Db; jobs: JobSender; studyId?: string; runId?: string }) {
  const id = studyId ?? (runId ? (await db.run.findUnique({ where: { id: runId }, select: { studyId: true } }))?.studyId : null);
  if (!id) return null;
  const runs = await db.run.findMany({ where: { studyId: id }, select: { id: true, status: true, startedAt: true, config: true }, orderBy: { createdAt: "asc" } });
  if (runs.some((r) => r.status === "running" || (r.status === "queued" && r.startedAt !== null))) return null;
  const next = runs.find((r) => r.status === "queued");
  if (!next) return null;
  // Conditional, so that two processes ending runs at once start the next run only once.
  const started = await db.run.updateMany({ where: { id: next.id, status: "queued", startedAt: null }, data: { startedAt: new Date() } });
  if (started.count === 0) return null;
  await jobs.send(JOBS.runAdvance, { runId: next.id }, { singletonKey: next.id });
  return next.id;
}

export async function listStudies({ db }: { db: Db }) {
  const studies = await db.study.findMany({ orderBy: { createdAt: "desc" }, take: 100, select: { id: true, name: true, modes: true, seeds: true, createdAt: true, runs: { select: { status: true } } } });
  return studies.map(({ runs, ...s }) => ({ ...s, runs: runs.length, completed: runs.filter((r) => r.status === "completed").length }));
}

export interface StudyView {
  id: string;
  name: string;
  modes: RunMode[];
  seeds: number;
  config: Record<string, unknown>;
  createdAt: Date;
  runs: StudyRunInput[];
  table: StudyTable;
  /** the held-out scoring each run used, shown with the scores */
  evaluation: string;
  /** what the synthesis cost share compares (the runs of a study share synthesizer and policy) */
  costBasis: string | null;
}

export async function getStudy({ db, id }: { db: Db; id: string }): Promise<StudyView> {
  const study = await db.study.findUnique({ where: { id }, select: { id: true, name: true, modes: true, seeds: true, config: true, createdAt: true } });
  if (!study) throw new AppError("NOT_FOUND", `No study with id "${id}"; see the list of studies.`);
  const runs = await db.run.findMany({
    where: { studyId: id },
    select: { id: true, mode: true, status: true, config: true, startedAt: true, finishedAt: true },
    orderBy: { createdAt: "asc" },
  });
  const runIds = runs.map((r) => r.id);
  const steps = await db.step.findMany({
    where: { runId: { in: runIds }, status: "done" },
    select: { runId: true, index: true, numRollouts: true, informativeFraction: true, meanReward: true },
    orderBy: [{ runId: "asc" }, { index: "asc" }],
  });
  const evals = await db.evaluation.findMany({ where: { runId: { in: runIds } }, select: { runId: true, stepIndex: true, category: true, score: true } });
  const costs = new Map((await getRunCosts({ db, runIds })).map((c) => [c.runId, c]));
  const inputs = runs.map((run): StudyRunInput => {
    const config = run.config as unknown as TRunConfig;
    const mine = steps.filter((s) => s.runId === run.id);
    const mineEvals = evals.filter((e) => e.runId === run.id);
    const evalSteps = [...new Set(mineEvals.map((e) => e.stepIndex))].sort((a, b) => a - b);
    const at = (stepIndex: number | undefined) => mineEvals.filter((e) => e.stepIndex === stepIndex);
    const isFinal = run.status === "completed" && evalSteps.length > 1;
    const final = isFinal ? at(evalSteps.at(-1)) : [];
    return {
      runId: run.id,
      mode: run.mode,
      seed: config.seed,
      status: run.status,
      steps: mine.length,
      rollouts: mine.reduce((n, s) => n + s.numRollouts, 0),
      wallSeconds: run.startedAt && run.finishedAt ? (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000 : null,
      heldOutFinal: final.find((e) => e.category === "overall")?.score ?? null,
      heldOutFinalByCategory: Object.fromEntries(final.filter((e) => e.category !== "overall").map((e) => [e.category, e.score])),
      heldOutInitial: at(evalSteps[0]).find((e) => e.category === "overall")?.score ?? null,
      informative: mine.map((s) => s.informativeFraction),
      reward: mine.map((s) => s.meanReward),
      synthesisShare: costs.get(run.id)?.share ?? null,
      costBasis: costs.get(run.id)?.basis ?? null,
      isCostEstimated: costs.get(run.id)?.isEstimated ?? false,
    };
  });
  const config = study.config as Record<string, unknown>;
  return {
    ...study,
    config,
    runs: inputs,
    table: buildStudyTable({ modes: study.modes, runs: inputs }),
    evaluation: evaluationSetting(config),
    costBasis: ([...costs.values()].find((c) => c.synthesizes) ?? [...costs.values()][0])?.basisText ?? null,
  };
}

/** How held-out scores were obtained, in words (BFCL's scoring: greedy / temperature 0, no system prompt unless set). */
export function evaluationSetting(config: Record<string, unknown>): string {
  const policy = (config.policy ?? { kind: "simulated" }) as { kind?: string; systemPrompt?: string | null };
  const limit = typeof config.evalLimit === "number" ? `${config.evalLimit} held-out tasks` : "all held-out tasks (test split)";
  if (policy.kind === "openai") {
    return `${limit}, BFCL success (every turn's state and results), one greedy rollout each: temperature 0, ${policy.systemPrompt ? "the run's system prompt" : "no system prompt"}`;
  }
  return `${limit}, BFCL success (every turn's state and results), one greedy rollout each of the simulated learner (its most likely decision everywhere)`;
}
