// Stage 2, execute (shared by both backends): ground every planned call in the state and earlier results, run
// the calls in a fresh environment, patch the initial config when a call fails for a patchable reason and start
// again from scratch (at most K_max times), and drop with a typed error otherwise.
import { createBfclEnvironment, type BfclEnvironment } from "../../envs/bfcl/bfcl-env";
import { parseCall } from "../../envs/bfcl/python-call";
import { argumentValues, resultMentions } from "../../envs/bfcl/structure";
import { canonicalJson } from "../../envs/bfcl/trace-diff";
import type { RolloutTask } from "../../policies/types";
import { createRng, hashSeed } from "../../rods/random";
import { callSource, isFailedResult } from "./calls";
import { grounderOf, pastCall, plannableTools, type Args, type GroundingContext } from "./grounding";
import { withinLimits } from "./limits";
import { SynthesisFailure, type ConfigPatch, type ExecutedCall, type Execution, type SeedLayout, type TaskPlan } from "./model";
import { applyPatches, diagnoseFailure, patchKey } from "./patches";

/** Other functions of the same class tried when a planned call cannot be grounded or keeps failing. */
const MAX_ALTERNATIVES = 30;
/** Argument sets tried per function. */
const MAX_OPTIONS = 3;

export interface ExecuteOptions {
  seed: RolloutTask;
  layout: SeedLayout;
  plan: TaskPlan;
  rngSeed: number;
  maxPatches: number;
  /** dependency depth to aim for when choosing among argument sets (the seed's) */
  targetDepth: number;
  signal?: AbortSignal;
}

interface FlatCall {
  values: Set<string>;
  result: string;
  depth: number;
}

type RunOutcome = { kind: "done"; turns: ExecutedCall[][]; states: string[]; depth: number } | { kind: "patch"; patches: ConfigPatch[] };

/** Depth of a call given the calls before it, by structureProfile's rule (latest result that mentions a value). */
function depthOf(values: Set<string>, flat: readonly FlatCall[]): number {
  let depth = 0;
  for (const value of values) {
    for (let i = flat.length - 1; i >= 0; i--) {
      if (flat[i].values.has(value)) continue;
      if (resultMentions(flat[i].result, value)) {
        depth = Math.max(depth, flat[i].depth + 1);
        break;
      }
    }
  }
  return depth;
}

export function executePlan(options: ExecuteOptions): Execution {
  const { seed, maxPatches } = options;
  let config = JSON.parse(JSON.stringify(seed.initialConfig)) as Execution["initialConfig"];
  const patches: ConfigPatch[] = [];
  const applied = new Set<string>();
  // Calls settled in an earlier pass are tried first again, so a patch does not reshuffle the whole task.
  const decided = new Map<string, { name: string; args: Args }>();
  for (let pass = 0; ; pass++) {
    let outcome: RunOutcome;
    try {
      outcome = runOnce(options, config, decided, applied, pass >= maxPatches);
    } catch (error) {
      if (error instanceof SynthesisFailure) error.patches = [...patches];
      throw error;
    }
    if (outcome.kind === "done") return { initialConfig: config, patches, turns: outcome.turns, statesAfterTurn: outcome.states, dependencyDepth: outcome.depth, planQueries: options.plan.queries };
    for (const p of outcome.patches) applied.add(patchKey(p));
    patches.push(...outcome.patches);
    config = applyPatches(config, outcome.patches);
  }
}

function runOnce(
  options: ExecuteOptions,
  config: Execution["initialConfig"],
  decided: Map<string, { name: string; args: Args }>,
  applied: ReadonlySet<string>,
  isPatchBudgetSpent: boolean,
): RunOutcome {
  const { seed, layout, plan, rngSeed, targetDepth, signal } = options;
  const env: BfclEnvironment = createBfclEnvironment({ involvedClasses: seed.involvedClasses, initialConfig: config, longContext: seed.longContext });
  const ctx: GroundingContext = { state: env.state(), cwd: [], history: [], rng: createRng(rngSeed), longContext: seed.longContext };
  const flat: FlatCall[] = [];
  let maxDepth = 0;
  const turns: ExecutedCall[][] = layout.turns.map(() => []);
  const states: string[] = [];

  for (const turn of layout.turns) {
    const planned = plan.turns[turn.index] ?? [];
    const out = turns[turn.index];
    for (let slot = 0; slot < planned.length; slot++) {
      if (signal?.aborted) throw new SynthesisFailure("pipeline_exception", "synthesis was aborted", "execute");
      const call = planned[slot];
      const key = `${turn.index}:${slot}`;
      const slotRng = createRng(hashSeed(rngSeed, "slot", turn.index, slot));
      ctx.rng = slotRng;
      const prior = decided.get(key);
      const alternatives = slotRng.shuffle(plannableTools(call.className).filter((n) => n !== call.name)).slice(0, MAX_ALTERNATIVES);
      const names = prior && prior.name !== call.name ? [prior.name, call.name, ...alternatives.filter((n) => n !== prior.name)] : [call.name, ...alternatives];
      let hadOptions = false;
      let lastFailure = "";
      let accepted: ExecutedCall | undefined;
      for (const [nameIndex, name] of names.entries()) {
        // The settled call and the plan's own arguments come first; grounded ones follow, ranked by depth.
        const fixed: Args[] = [];
        if (prior?.name === name) fixed.push(prior.args);
        if (name === call.name && call.args) fixed.push(call.args);
        let grounded: Args[] = [];
        try {
          grounded = grounderOf(name)?.(ctx).slice(0, 6) ?? [];
        } catch {
          // A state the grounder does not understand (odd config data) offers no arguments for this function.
        }
        const candidates = [
          ...fixed.filter(withinLimits).map((args) => ({ args, depth: depthOfArgs(args, flat) })),
          ...rankByDepth(grounded.filter(withinLimits), flat, maxDepth, targetDepth).slice(0, MAX_OPTIONS),
        ];
        if (candidates.length) hadOptions = true;
        for (const c of candidates) {
          let source: string;
          let parsed: ReturnType<typeof parseCall>;
          try {
            source = callSource(name, c.args);
            parsed = parseCall(source);
          } catch (e) {
            // Proposed arguments that are not plain literals (NaN, functions, ...) cannot become ground truth.
            lastFailure = `${name}: ${e instanceof Error ? e.message : String(e)}`;
            continue;
          }
          const snap = env.snapshot();
          const output = env.executeParsed(parsed).output;
          if (!isFailedResult(name, output)) {
            accepted = { className: call.className, name, args: parsed.args, source, result: output, depth: c.depth };
            break;
          }
          const fix = diagnoseFailure({ className: call.className, name, args: parsed.args, output }, config, env.state());
          env.restore(snap);
          lastFailure = `${source} -> ${output.slice(0, 200)}`;
          if (fix && fix.some((p) => !applied.has(patchKey(p)))) {
            if (!isPatchBudgetSpent) {
              decided.set(key, { name, args: parsed.args });
              return { kind: "patch", patches: fix };
            }
            // The plan's own call needs a patch that K_max no longer allows: the seed is dropped.
            if (nameIndex === 0) {
              throw new SynthesisFailure("vm_exec_failed", `config patches exhausted (K_max = ${options.maxPatches}): ${lastFailure}`, "execute");
            }
          }
        }
        if (accepted) break;
      }
      if (!accepted) {
        decided.delete(key);
        const isCovered = out.some((c) => c.className === call.className) || planned.slice(slot + 1).some((c) => c.className === call.className);
        if (isCovered) continue;
        if (!hadOptions) throw new SynthesisFailure("param_gen_failed", `no grounded arguments for any ${call.className} function in turn ${turn.index + 1}`, "execute");
        throw new SynthesisFailure("vm_exec_failed", `no ${call.className} call succeeds in turn ${turn.index + 1}: ${lastFailure}`, "execute");
      }
      decided.set(key, { name: accepted.name, args: accepted.args });
      out.push(accepted);
      ctx.history.push(pastCall(accepted.name, accepted.args, accepted.result));
      if (accepted.name === "cd") {
        const folder = accepted.args.folder;
        if (folder === "..") ctx.cwd.pop();
        else if (typeof folder === "string") ctx.cwd.push(folder);
      }
      ctx.state = env.state();
      flat.push({ values: new Set(argumentValues(parseCall(accepted.source))), result: accepted.result, depth: accepted.depth });
      maxDepth = Math.max(maxDepth, accepted.depth);
    }
    states.push(canonicalJson(env.state()));
  }
  return { kind: "done", turns, states, depth: maxDepth };
}

function depthOfArgs(args: Args, flat: readonly FlatCall[]): number {
  return depthOf(new Set(argumentValues({ name: "", args, positional: [] })), flat);
}

/** Argument sets ordered so the task's longest chain moves towards the target depth (stable otherwise). */
function rankByDepth(proposals: Args[], flat: readonly FlatCall[], current: number, target: number): { args: Args; depth: number }[] {
  const scored = proposals.map((args, i) => {
    const depth = depthOfArgs(args, flat);
    return { args, depth, i, score: Math.abs(Math.max(current, depth) - target) };
  });
  return scored.sort((a, b) => a.score - b.score || a.i - b.i).map(({ args, depth }) => ({ args, depth }));
}
