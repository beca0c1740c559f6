// What the learner knows about one task, computed once and shared by all its rollouts: the ground truth as tool
// calls, its results and the environment snapshot at the start of every turn along it (so a rollout only executes
// from its first deviation on), the features of each decision and the task's fixed inherent difficulty.
import { classTools, createBfclEnvironment, heldBackFunctions, type BfclEnvironment } from "../../envs/bfcl/bfcl-env";
import { structureProfile } from "../../envs/bfcl/structure";
import { canonicalJson } from "../../envs/bfcl/trace-diff";
import type { ToolCall } from "../../envs/types";
import { createRng, hashSeed } from "../../rods/random";
import type { RolloutTask } from "../types";
import { DEPTH_BUCKETS } from "./params";

/** Spread of the fixed per-task difficulty offset, and of the extra offset of each call within a task. */
export const INHERENT = { taskSpread: 1.0, callSpread: 0.4, askSpread: 0.8, childSpread: 0.5 } as const;

/**
 * A task's fixed difficulty offset. A seed's is drawn from N(0, taskSpread²); a synthesized task's is its parent's
 * plus N(0, childSpread²): a variant of a seed is, in expectation, as hard as the seed (the premise RODS relies on,
 * stated rather than assumed away). The draw is the first normal of the task's content-seeded stream.
 */
export function inherentOffset(task: RolloutTask, depth = 0): number {
  const draw = createRng(contentSeed(task)).normal();
  if (!task.parent || depth > 50) return INHERENT.taskSpread * draw;
  return inherentOffset(task.parent, depth + 1) + INHERENT.childSpread * draw;
}

export interface TaskModel {
  task: RolloutTask;
  gtCalls: ToolCall[][];
  gtResults: string[][];
  /** whether each ground-truth call changed the public state (a repeated or premature one then shows) */
  gtMutates: boolean[][];
  /** names held back at each turn (miss_func), never offered then */
  heldBack: ReadonlySet<string>[];
  depthBucket: number;
  /** fixed (not learned) logit offset of each ground-truth call: task difficulty plus the call's own */
  callOffsets: number[][];
  /** fixed offset of the ask-vs-act decision of each turn */
  askOffsets: number[];
  /** string argument values of the ground truth: what a confused model plausibly puts in the wrong place */
  stringPool: string[];
  /** characters of the tool schemas a model is shown (token estimate) */
  toolChars: number;
  env: BfclEnvironment;
  /** env snapshot at the start of each turn, reached by executing the ground truth */
  turnSnapshots: unknown[];
  /** set while a rollout uses `env` (rollouts are synchronous, so this only guards re-entrance) */
  isBusy: boolean;
}

const cache = new WeakMap<RolloutTask, TaskModel>();

export function taskModelOf(task: RolloutTask): TaskModel {
  let model = cache.get(task);
  if (!model) {
    model = buildTaskModel(task);
    cache.set(task, model);
  }
  return model;
}

/** Identity of a task's content for its inherent difficulty: the same task has the same hardness in every run. */
function contentSeed(task: RolloutTask): number {
  return hashSeed(
    "simulated-difficulty",
    task.category,
    JSON.stringify(task.turns),
    JSON.stringify(task.groundTruth.map((turn) => turn.map((c) => c.source))),
  );
}

function collectStrings(value: unknown, out: Set<string>): void {
  if (typeof value === "string") {
    if (value.length > 0) out.add(value);
  } else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => collectStrings(v, out));
}

const toolCharsCache = new Map<string, number>();
function toolCharsOf(classes: readonly string[]): number {
  let n = 0;
  for (const cls of classes) {
    let c = toolCharsCache.get(cls);
    if (c === undefined) {
      c = JSON.stringify(classTools(cls)).length;
      toolCharsCache.set(cls, c);
    }
    n += c;
  }
  return n;
}

function buildTaskModel(task: RolloutTask): TaskModel {
  const env = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
  const gtCalls = task.groundTruth.map((turn) => turn.map((c) => ({ name: c.name, args: c.args })));
  const turnSnapshots: unknown[] = [];
  const gtMutates: boolean[][] = [];
  let state = canonicalJson(env.state());
  const gtResults = gtCalls.map((turn) => {
    turnSnapshots.push(env.snapshot());
    const mutates: boolean[] = [];
    gtMutates.push(mutates);
    return turn.map((c) => {
      const output = env.execute(c).output;
      const after = canonicalJson(env.state());
      mutates.push(after !== state);
      state = after;
      return output;
    });
  });
  const missEntry = { involvedClasses: task.involvedClasses, missedFunction: task.missedFunctions };
  const heldBack = gtCalls.map((_, t) => new Set(heldBackFunctions(missEntry, t)));

  let depth = task.dependencyDepth;
  if (depth === null || depth === undefined) {
    const parsed = gtCalls.map((turn) => turn.map((c) => ({ name: c.name, args: c.args, positional: [] })));
    depth = structureProfile(parsed, (name) => env.classOfTool(name), gtResults).dependencyDepth;
  }

  const rng = createRng(contentSeed(task));
  const draw = rng.normal();
  const taskOffset = task.parent ? inherentOffset(task.parent) + INHERENT.childSpread * draw : INHERENT.taskSpread * draw;
  const callOffsets = gtCalls.map((turn) => turn.map(() => taskOffset + INHERENT.callSpread * rng.normal()));
  const askOffsets = gtCalls.map(() => INHERENT.askSpread * rng.normal());

  const strings = new Set<string>();
  for (const turn of gtCalls) for (const c of turn) collectStrings(c.args, strings);

  return {
    task,
    gtCalls,
    gtResults,
    gtMutates,
    heldBack,
    depthBucket: Math.min(Math.max(0, Math.floor(depth)), DEPTH_BUCKETS - 1),
    callOffsets,
    askOffsets,
    stringPool: [...strings],
    toolChars: toolCharsOf(task.involvedClasses),
    env,
    turnSnapshots,
    isBusy: false,
  };
}
