// The five-stage pipeline of DESIGN.md §1 (plan, execute, rewrite, critique, augment), shared by both backends:
// a backend supplies the plan, the user text and the judge's verdict; execution, patching, the deterministic
// gates and augmentation are the same code for both. Never throws: every failure becomes a typed drop.
import type { RolloutTask } from "../../policies/types";
import { createRng, hashSeed } from "../../rods/random";
import type { GateResult, SynthesisContext, SynthesisErrorType, SynthesisResult, SynthesisStage, SynthesizedTask } from "../types";
import { augmentTask, buildCoreTask, type TurnTexts } from "./augment";
import { executePlan } from "./execute";
import { argumentLimitsGate, duplicateGate, GATE_ERROR, groundTruthReplayGate, reexecutionGate, toolsAvailableGate, userTextGate } from "./gates";
import { SynthesisFailure, type Execution, type SeedLayout, type TaskPlan } from "./model";
import { analyseSeed } from "./seed-layout";

export interface Verdict {
  isAccepted: boolean;
  score?: number;
  reasons: string[];
}

export interface PlanInput {
  seed: RolloutTask;
  layout: SeedLayout;
  rngSeed: number;
  /** 0 for the first plan; a re-plan (repair, or another try for the seed's dependency depth) counts up */
  attempt: number;
  signal?: AbortSignal;
}

export interface RewriteInput {
  seed: RolloutTask;
  layout: SeedLayout;
  execution: Execution;
  rngSeed: number;
  attempt: number;
  /** why the previous text was rejected (a repair) */
  feedback?: string[];
  signal?: AbortSignal;
}

export interface JudgeInput {
  seed: RolloutTask;
  layout: SeedLayout;
  execution: Execution;
  /** the core task (act and idle turns) with its user text */
  task: SynthesizedTask;
  texts: TurnTexts;
  signal?: AbortSignal;
}

export interface SynthesisBackend {
  /** plans tried per round, keeping the execution whose dependency depth is closest to the seed's */
  readonly planTries: number;
  plan(input: PlanInput): Promise<TaskPlan>;
  /** user text for every act and idle seed turn, by seed turn index */
  rewrite(input: RewriteInput): Promise<TurnTexts>;
  /** the plan stage's user text, turn by turn with no conversation around it (the no_rewrite ablation) */
  planTexts(input: RewriteInput): TurnTexts;
  judge(input: JudgeInput): Promise<Verdict>;
}

interface Progress {
  stage: SynthesisStage;
  patches: SynthesisResult["configPatches"];
  gates: GateResult[];
  verdict?: Verdict;
}

export async function runPipeline(seed: RolloutTask, context: SynthesisContext, backend: SynthesisBackend): Promise<SynthesisResult> {
  const progress: Progress = { stage: "plan", patches: [], gates: [] };
  try {
    const task = await synthesize(seed, context, backend, progress);
    return {
      outcome: "accepted",
      stageReached: "done",
      configPatches: progress.patches,
      gateResults: progress.gates,
      judgeVerdict: progress.verdict,
      task,
    };
  } catch (error) {
    const isTyped = error instanceof SynthesisFailure;
    const errorType: SynthesisErrorType = isTyped ? error.errorType : "pipeline_exception";
    const message = error instanceof Error ? error.message : String(error);
    return {
      outcome: "dropped",
      stageReached: isTyped && error.stage ? error.stage : progress.stage,
      errorType,
      errorMessage: message.slice(0, 1000),
      configPatches: progress.patches,
      gateResults: progress.gates,
      judgeVerdict: progress.verdict,
    };
  }
}

async function synthesize(seed: RolloutTask, context: SynthesisContext, backend: SynthesisBackend, progress: Progress): Promise<SynthesizedTask> {
  const layout = analyseSeed(seed);
  const { signal } = context;

  const planAndExecute = async (round: number): Promise<Execution> => {
    let best: Execution | undefined;
    let lastFailure: unknown;
    for (let i = 0; i < backend.planTries; i++) {
      const attempt = round * backend.planTries + i;
      try {
        progress.stage = "plan";
        const plan = await backend.plan({ seed, layout, rngSeed: hashSeed(context.seed, "plan", attempt), attempt, signal });
        progress.stage = "execute";
        const execution = executePlan({
          seed,
          layout,
          plan,
          rngSeed: hashSeed(context.seed, "execute", attempt),
          maxPatches: context.maxPatches,
          targetDepth: layout.dependencyDepth,
          signal,
        });
        const gap = (e: Execution) => Math.abs(e.dependencyDepth - layout.dependencyDepth);
        if (!best || gap(execution) < gap(best)) best = execution;
        if (gap(best) === 0) break;
      } catch (error) {
        // A backend error (the model, the network) is not something another plan can fix.
        if (!(error instanceof SynthesisFailure) || error.errorType === "pipeline_exception") throw error;
        lastFailure = error;
        if (!best && error.patches) progress.patches = error.patches;
      }
    }
    if (!best) throw lastFailure;
    progress.patches = best.patches;
    return best;
  };

  const rewrite = async (execution: Execution, attempt: number, feedback?: string[]): Promise<TurnTexts> => {
    progress.stage = "rewrite";
    if (context.skipRewrite) return backend.planTexts({ seed, layout, execution, rngSeed: hashSeed(context.seed, "rewrite", attempt), attempt, feedback, signal });
    return backend.rewrite({ seed, layout, execution, rngSeed: hashSeed(context.seed, "rewrite", attempt), attempt, feedback, signal });
  };

  let round = 0;
  let execution = await planAndExecute(round);
  let texts = await rewrite(execution, 0);
  let isRepaired = false;
  const replan = async () => {
    isRepaired = true;
    round++;
    execution = await planAndExecute(round);
    texts = await rewrite(execution, round);
  };
  const hasVariant = layout.turns.some((t) => t.role === "ask_param" || t.role === "ask_func");
  for (;;) {
    progress.stage = "critique";
    const prefix = isRepaired ? "repair:" : "";
    const core = buildCoreTask(seed, layout, execution, texts);
    const gates = [
      reexecutionGate(seed, execution),
      toolsAvailableGate(core),
      argumentLimitsGate(core),
      groundTruthReplayGate(core),
      duplicateGate(core, context.existingHashes),
      userTextGate(core, execution.turns.flat()),
    ];
    progress.gates.push(...gates.map((g) => ({ ...g, name: prefix + g.name })));
    const failed = gates.find((g) => !g.isPassed);
    if (failed) {
      if (failed.name === "not_duplicate" || isRepaired) throw new SynthesisFailure(GATE_ERROR[failed.name], `${failed.name}: ${failed.detail ?? ""}`, "critique");
      // A repeated request comes from the plan (the same call in two turns): only a new plan removes it.
      if (failed.name === "user_text" && !/repeats the request/.test(failed.detail ?? "")) {
        isRepaired = true;
        texts = await rewrite(execution, round + 1, [failed.detail ?? "the text names a tool or parameter"]);
      } else await replan();
      continue;
    }
    const verdict = await backend.judge({ seed, layout, execution, task: core, texts, signal });
    progress.verdict = verdict;
    if (!verdict.isAccepted) {
      if (isRepaired) throw new SynthesisFailure("query_verify_failed", `the judge rejected the task: ${verdict.reasons.join("; ")}`, "critique");
      isRepaired = true;
      texts = await rewrite(execution, round + 1, verdict.reasons);
      continue;
    }

    progress.stage = "augment";
    let task: SynthesizedTask;
    try {
      task = augmentTask(seed, layout, execution, texts, createRng(hashSeed(context.seed, "augment", round)));
    } catch (error) {
      // A plan without a value to leave out (or a function to hold back) is repaired by planning again.
      if (error instanceof SynthesisFailure && error.errorType === "no_pattern" && !isRepaired) {
        await replan();
        continue;
      }
      throw error;
    }
    if (hasVariant) {
      const variantGates = [toolsAvailableGate(task), groundTruthReplayGate(task), duplicateGate(task, context.existingHashes), userTextGate(task, execution.turns.flat())];
      progress.gates.push(...variantGates.map((g) => ({ ...g, name: `${prefix}augment:${g.name}` })));
      const bad = variantGates.find((g) => !g.isPassed);
      if (bad) {
        const type = bad.name === "not_duplicate" ? "duplicate_func" : bad.name === "user_text" ? "conversation_construct_failed" : "no_pattern";
        throw new SynthesisFailure(type, `${bad.name} after augmentation: ${bad.detail ?? ""}`, "augment");
      }
    }
    progress.stage = "done";
    return task;
  }
}
