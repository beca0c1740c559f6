// One rollout of the simulated learner: decide every step first (the learner does not read tool results), then run
// the chosen calls turn by turn in a real BFCL environment to write the OpenAI-format trajectory an LLM would have
// produced. Turns that repeat the ground truth take its recorded results; execution starts at the first deviation,
// from the environment snapshot taken at the start of that turn.
import { createBfclEnvironment, type BfclEnvironment } from "../../envs/bfcl/bfcl-env";
import type { ToolCall } from "../../envs/types";
import { createRng, type Rng } from "../../rods/random";
import type { ChatMessage, RolloutOptions, RolloutResult, RolloutTask } from "../types";
import { decisionKeys, type Action, type Decision, type SimulatedBehaviour } from "./behaviour";
import { bernoulliLogProb, sigmoid } from "./math";
import { actInsteadOfAsk, extraCall, sampleMistake, wrongArgument, wrongFunction, type Mistake } from "./mistakes";
import type { LogitTable } from "./params";
import { taskModelOf, type TaskModel } from "./task-model";

/** BFCL's user message for an empty turn that releases held-back tools (as the OpenAI policy sends it). */
export const MISS_FUNC_USER_MESSAGE = "I have updated some more functions you can choose from. What about now?";

const ASK_TEXT: Readonly<Record<string, string>> = {
  miss_func: "None of the functions I have can do that yet. Could you provide a suitable function?",
  miss_param: "I need a bit more information before I can do that. Could you give me the missing details?",
};
const DEFAULT_ASK_TEXT = "I cannot do that with what I have. Could you tell me more?";
const DONE_TEXT = "I have completed that request.";
const STOP_TEXT = "I am unable to continue with this task.";

/** Decisions forced by tests: `${turn}:${index}` -> action (a mistake type, "ok", "ask" or "act"). */
export type ForcedActions = ReadonlyMap<string, Action>;

export interface RolloutInput {
  table: LogitTable;
  task: RolloutTask;
  options: RolloutOptions;
  forced?: ForcedActions;
}

function logitOf(table: LogitTable, keys: readonly string[], offset: number): number {
  let z = offset;
  for (const k of keys) z += table.get(k);
  return z;
}

interface Plan {
  calls: ToolCall[][];
  decisions: Decision[];
  isStopped: boolean;
}

function planRollout({ table, task, options, forced }: RolloutInput, model: TaskModel): Plan {
  const rng = createRng(options.seed);
  const isGreedy = options.isGreedy === true;
  const b = { task: task.id, cat: task.category, dep: model.depthBucket };
  const askKeys = decisionKeys(b, null);
  const decisions: Decision[] = [];
  const calls: ToolCall[][] = [];

  // Draws happen in a fixed order whatever is forced, so a forced decision leaves the rest of the rollout alike.
  const choose = (keys: readonly string[], offset: number, key: string): { isOne: boolean; logp: number; forcedAction?: Action } => {
    const z = logitOf(table, keys, offset);
    const u = rng.next();
    const forcedAction = forced?.get(key);
    const isOne = forcedAction !== undefined ? forcedAction === "ok" || forcedAction === "ask" : isGreedy ? z >= 0 : u < sigmoid(z);
    return { isOne, logp: bernoulliLogProb(z, isOne), forcedAction };
  };

  for (let t = 0; t < model.gtCalls.length; t++) {
    const gt = model.gtCalls[t];
    const turn: ToolCall[] = [];
    calls.push(turn);
    if (gt.length === 0) {
      const offset = model.askOffsets[t];
      const { isOne, logp } = choose(askKeys, offset, `${t}:0`);
      decisions.push([null, isOne ? "ask" : "act", offset, logp]);
      if (!isOne) turn.push(...actInsteadOfAsk(model, t, rng));
      continue;
    }
    for (let j = 0; j < gt.length; j++) {
      const call = gt[j];
      const offset = model.callOffsets[t][j];
      const { isOne, logp, forcedAction } = choose(decisionKeys(b, call.name), offset, `${t}:${j}`);
      if (isOne) {
        decisions.push([call.name, "ok", offset, logp]);
        turn.push(call);
        continue;
      }
      const sampled = sampleMistake(task.category, rng, isGreedy);
      const mistake = forcedAction !== undefined && forcedAction !== "act" ? (forcedAction as Mistake) : sampled;
      const done = commitMistake(model, t, call, mistake, turn, rng);
      decisions.push([call.name, done, offset, logp]);
      if (done === "stop") return { calls, decisions, isStopped: true };
    }
  }
  return { calls, decisions, isStopped: false };
}

/** Appends what the mistake emits; returns the mistake actually made (one without arguments cannot garble them). */
function commitMistake(model: TaskModel, t: number, call: ToolCall, mistake: Mistake, turn: ToolCall[], rng: Rng): Mistake {
  const heldBack = model.heldBack[t];
  switch (mistake) {
    case "wrong_arg":
    case "wrong_function": {
      const first = mistake === "wrong_arg" ? wrongArgument(call, rng, model.stringPool) : wrongFunction(call, rng, heldBack, model.stringPool);
      if (first) {
        turn.push(first);
        return mistake;
      }
      const other = mistake === "wrong_arg" ? wrongFunction(call, rng, heldBack, model.stringPool) : wrongArgument(call, rng, model.stringPool);
      if (other) {
        turn.push(other);
        return mistake === "wrong_arg" ? "wrong_function" : "wrong_arg";
      }
      return "skip";
    }
    case "extra": {
      const extra = extraCall(model, t, rng, call);
      if (rng.next() < 0.5) turn.push(extra, call);
      else turn.push(call, extra);
      return "extra";
    }
    case "skip":
    case "stop":
      return mistake;
  }
}

/** Index of the first call of turn t that is not the ground truth's (the ground-truth objects are reused as is). */
function firstDeviation(planned: readonly ToolCall[], gt: readonly ToolCall[]): number {
  const n = Math.min(planned.length, gt.length);
  for (let i = 0; i < n; i++) if (planned[i] !== gt[i]) return i;
  return planned.length === gt.length ? -1 : n;
}

function assistantCall(id: string, call: ToolCall, argsJson: string): ChatMessage {
  return { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: call.name, arguments: argsJson } }] };
}

export function runRollout(input: RolloutInput): RolloutResult {
  const started = performance.now();
  const { task } = input;
  const model = taskModelOf(task);
  const plan = planRollout(input, model);

  // Environment for the part of the trajectory that leaves the ground truth.
  let env: BfclEnvironment | undefined;
  let isLeased = false;
  const messages: ChatMessage[] = [];
  let chars = model.toolChars;
  let tokensIn = 0;
  let tokensOut = 0;
  const modelStep = (message: ChatMessage, outChars: number) => {
    tokensIn += chars / 4;
    tokensOut += outChars / 4;
    messages.push(message);
    chars += outChars;
  };

  try {
    for (let t = 0; t < plan.calls.length; t++) {
      const userMessages = task.turns[t] ?? [];
      const isRelease = (task.missedFunctions[String(t)]?.length ?? 0) > 0;
      const userTexts = userMessages.length === 0 && isRelease ? [MISS_FUNC_USER_MESSAGE] : userMessages.map((m) => m.content);
      for (const content of userTexts) {
        messages.push({ role: "user", content });
        chars += content.length;
      }

      const planned = plan.calls[t];
      const gt = model.gtCalls[t];
      // Calls before `deviation` repeat the ground truth and take its recorded results; -1: the whole turn does.
      const deviation = env ? 0 : firstDeviation(planned, gt);
      if (deviation >= 0 && !env) {
        if (model.isBusy) {
          // Re-entered (cannot happen while rollouts are synchronous): replay into a private environment.
          env = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
          for (let u = 0; u < t; u++) for (const c of model.gtCalls[u]) env.execute(c);
        } else {
          model.isBusy = true;
          isLeased = true;
          env = model.env;
          env.restore(model.turnSnapshots[t]);
        }
        for (let i = 0; i < deviation; i++) env.execute(gt[i]);
      }

      for (let k = 0; k < planned.length; k++) {
        const call = planned[k];
        const argsJson = JSON.stringify(call.args);
        const id = `call_${t}_${k}`;
        modelStep(assistantCall(id, call, argsJson), call.name.length + argsJson.length + 24);
        const output = deviation < 0 || k < deviation ? model.gtResults[t][k] : env!.execute(call).output;
        messages.push({ role: "tool", tool_call_id: id, content: output });
        chars += output.length;
      }
      const isLast = plan.isStopped && t === plan.calls.length - 1;
      const text = isLast ? STOP_TEXT : gt.length === 0 && planned.length === 0 ? (ASK_TEXT[task.category] ?? DEFAULT_ASK_TEXT) : DONE_TEXT;
      modelStep({ role: "assistant", content: text }, text.length);
    }
  } finally {
    if (isLeased) model.isBusy = false;
  }

  const behaviour: SimulatedBehaviour = { v: 1, task: task.id, cat: task.category, dep: model.depthBucket, d: plan.decisions };
  return {
    messages,
    modelCalls: plan.calls,
    tokensIn: Math.round(tokensIn),
    tokensOut: Math.round(tokensOut),
    latencyMs: performance.now() - started,
    behaviour,
  };
}
