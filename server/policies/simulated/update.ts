// The GRPO update of the simulated learner: group-normalised advantages, a PPO-style clipped ratio against the
// behaviour log-probabilities, an optional KL penalty towards the initial parameters. See README.md "Update".
import { decisionKeys, isCorrect, ZSimulatedBehaviour } from "./behaviour";
import { bernoulliKl, bernoulliLogProb, sigmoid } from "./math";
import { isTaskKey, type LogitTable } from "./params";

export interface UpdateConfig {
  learningRate: number;
  /** adam (the run default) or sgd, the plain update of README.md "Update"; absent = sgd */
  optimizer?: "adam" | "sgd";
  adamStepSize?: number;
  clip: number;
  klCoef: number;
  updateEpochs: number;
}

export interface UpdateGroup {
  rollouts: { behaviour: unknown; reward: number }[];
}

export interface UpdateStats {
  groups: number;
  /** groups whose rewards were all equal: no advantage, no gradient */
  zeroVarianceGroups: number;
  /** decisions that carried gradient (those of groups with reward variance) */
  decisions: number;
  /** mean |advantage| over all rollouts of the step (zero-variance groups count as 0) */
  meanAbsAdvantage: number;
  /** share of decision evaluations, over all passes, whose ratio was clipped */
  clippedFraction: number;
  /** mean KL(current ‖ initial) of the step's decisions, after the update */
  klToInit: number;
}

const ADVANTAGE_EPS = 1e-6;

/**
 * Step gains relative to the learning rate. A task's own logits are trained only by its K rollouts once an epoch,
 * the shared skill logits (global, function, category, depth) by every rollout of every step: the two gains set
 * how fast a task is memorised against how fast skills generalise to unseen tasks (calibrated, README.md).
 */
export const GAIN = { task: 16, skill: 0.35 } as const;
/** Adam gains: the one calibration of the update (README.md "Calibration"): task logits take the full step, shared skill logits 1/80 of it. */
export const ADAM_GAIN = { task: 1, skill: 0.0125 } as const;
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Adam's state per logit: [m, v, t]. */
export type Moments = Map<string, [number, number, number]>;

function gainOf(key: string): number {
  return isTaskKey(key) ? GAIN.task : GAIN.skill;
}

interface FlatDecision {
  /** indices into the step's logit arrays */
  keys: number[];
  /** 1 / decisions of its rollout: each rollout weighs the same whatever its length (GRPO's per-sequence mean) */
  weight: number;
  isOne: boolean;
  offset: number;
  logp: number;
  advantage: number;
}

/** The logits a step touches, as arrays indexed once (the passes then run without string keys). */
class StepLogits {
  readonly names: string[] = [];
  readonly value: number[] = [];
  readonly initial: number[] = [];
  /** rollouts of the step that used each logit */
  readonly users: number[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly table: LogitTable) {}

  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
      this.value.push(this.table.get(name));
      this.initial.push(this.table.init(name));
      this.users.push(0);
    }
    return i;
  }

  logit(d: FlatDecision, isInitial = false): number {
    const v = isInitial ? this.initial : this.value;
    let z = d.offset;
    for (const i of d.keys) z += v[i];
    return z;
  }

  /** Writes the changed logits back. */
  commit(): void {
    this.names.forEach((name, i) => {
      if (this.value[i] !== this.table.get(name)) this.table.add(name, this.value[i] - this.table.get(name));
    });
  }
}

/** Mutates `table`; validates every behaviour record before changing anything. */
export function grpoUpdate(table: LogitTable, groups: readonly UpdateGroup[], config: UpdateConfig, moments: Moments = new Map()): UpdateStats {
  const logits = new StepLogits(table);
  const active: FlatDecision[] = [];
  const every: FlatDecision[] = [];
  let zeroVarianceGroups = 0;
  let rollouts = 0;
  let absAdvantage = 0;

  for (const group of groups) {
    const rewards = group.rollouts.map((r) => r.reward);
    const mean = rewards.reduce((a, b) => a + b, 0) / Math.max(1, rewards.length);
    const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / Math.max(1, rewards.length));
    const isZeroVariance = rewards.length < 2 || std < 1e-12;
    if (isZeroVariance) zeroVarianceGroups++;
    for (const r of group.rollouts) {
      const parsed = ZSimulatedBehaviour.safeParse(r.behaviour);
      if (!parsed.success) throw new Error(`the simulated learner cannot update from this behaviour record: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      const b = parsed.data;
      const advantage = isZeroVariance ? 0 : (r.reward - mean) / (std + ADVANTAGE_EPS);
      rollouts++;
      absAdvantage += Math.abs(advantage);
      const used = new Set<number>();
      const keysOf = new Map<string | null, number[]>();
      for (const [fn, action, offset, logp] of b.d) {
        let keys = keysOf.get(fn);
        if (!keys) {
          keys = decisionKeys(b, fn).map((k) => logits.indexOf(k));
          keysOf.set(fn, keys);
        }
        for (const k of keys) used.add(k);
        const d = { keys, weight: 1 / b.d.length, isOne: isCorrect(action), offset, logp, advantage };
        every.push(d);
        if (!isZeroVariance) active.push(d);
      }
      // Each logit moves by the mean gradient of the rollouts that used it.
      for (const k of used) logits.users[k]++;
    }
  }

  let evaluations = 0;
  let clipped = 0;
  const grad = new Float64Array(logits.names.length);
  // Absent means sgd: parameters saved by runs created before the optimiser setting existed keep their update.
  const isAdam = config.optimizer === "adam";
  const step = logits.names.map((name, i) => (gainOf(name) * config.learningRate) / Math.max(1, logits.users[i]));
  for (let epoch = 0; epoch < config.updateEpochs && active.length > 0; epoch++) {
    grad.fill(0);
    for (const d of active) {
      const z = logits.logit(d);
      const p = sigmoid(z);
      const ratio = Math.exp(bernoulliLogProb(z, d.isOne) - d.logp);
      evaluations++;
      // The clipped surrogate min(r·A, clip(r)·A) has zero gradient once the ratio has left the trust region in the
      // direction the advantage pushes.
      const isClipped = (d.advantage > 0 && ratio > 1 + config.clip) || (d.advantage < 0 && ratio < 1 - config.clip);
      let g = 0;
      if (isClipped) clipped++;
      else g = d.weight * d.advantage * ratio * ((d.isOne ? 1 : 0) - p); // ∂(r·A)/∂z = A·r·∂log π(a)/∂z
      if (config.klCoef > 0) g -= d.weight * config.klCoef * p * (1 - p) * (z - logits.logit(d, true)); // −β ∂KL/∂z
      if (g === 0) continue;
      for (const k of d.keys) grad[k] += g;
    }
    if (isAdam) adamStep(logits, grad, moments, config.adamStepSize ?? 0.3);
    else for (let k = 0; k < grad.length; k++) if (grad[k] !== 0) logits.value[k] += step[k] * grad[k];
  }
  logits.commit();

  let kl = 0;
  for (const d of every) kl += bernoulliKl(logits.logit(d), logits.logit(d, true));
  return {
    groups: groups.length,
    zeroVarianceGroups,
    decisions: active.length,
    meanAbsAdvantage: rollouts ? absAdvantage / rollouts : 0,
    clippedFraction: evaluations ? clipped / evaluations : 0,
    klToInit: every.length ? kl / every.length : 0,
  };
}

/**
 * Adam on the mean gradient of the rollouts that used each logit (sparse: a logit's moments and bias correction
 * advance only when it gets gradient). The step is normalised per logit, so its size does not depend on how many
 * zero-variance rollouts shared the logit: only the direction and consistency of the signal do.
 */
function adamStep(logits: StepLogits, grad: Float64Array, moments: Moments, stepSize: number): void {
  for (let k = 0; k < grad.length; k++) {
    if (grad[k] === 0) continue;
    const name = logits.names[k]!;
    const g = grad[k]! / Math.max(1, logits.users[k]!);
    const [m0, v0, t0] = moments.get(name) ?? [0, 0, 0];
    const t = t0 + 1;
    const m = ADAM.beta1 * m0 + (1 - ADAM.beta1) * g;
    const v = ADAM.beta2 * v0 + (1 - ADAM.beta2) * g * g;
    moments.set(name, [m, v, t]);
    const mHat = m / (1 - ADAM.beta1 ** t);
    const vHat = v / (1 - ADAM.beta2 ** t);
    const gain = isTaskKey(name) ? ADAM_GAIN.task : ADAM_GAIN.skill;
    logits.value[k]! += stepSize * gain * (mHat / (Math.sqrt(vHat) + ADAM.eps));
  }
}
