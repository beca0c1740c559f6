// When held-out evaluation happens: before the first epoch, every E epochs, and after the last.
import { modeFlags, type TRunConfig } from "./config";

/** True when the policy is evaluated at the start of `epoch` (epoch = config.epochs: after the last one). */
export function isEvalEpoch({ epoch, epochs, evalEveryEpochs }: { epoch: number; epochs: number; evalEveryEpochs: number }): boolean {
  return epoch === 0 || epoch % evalEveryEpochs === 0 || epoch === epochs;
}

/**
 * True when the evaluation due at the end of an epoch may run beside the epoch's last step instead of after it: the
 * run's policy is one RODS never changes (an OpenAI-compatible endpoint with the builtin trainer, which trains only
 * the simulated learner), so it scores the same model either way. Not for the simulated learner (updated after
 * every step), an external trainer (the evaluation scores the version it acknowledges) or trainer-driven runs.
 */
export function canEvaluateEarly(config: { policy: { kind: string }; trainer: string; rollouts: string }): boolean {
  return config.policy.kind === "openai" && config.trainer === "builtin" && config.rollouts === "rods";
}

/**
 * True when closing `epoch` cannot change the active pool: nothing is injected or retired and no review is waited
 * for (static; no_refresh after its one round with automatic review), so the next epoch's steps are known before
 * this one ends and may be planned and rolled ahead like the steps within an epoch.
 */
export function isPoolFrozenAfter(config: Pick<TRunConfig, "mode" | "reviewPolicy">, epoch: number): boolean {
  const flags = modeFlags(config.mode);
  if (flags.retires) return false;
  if (!flags.synthesizes) return true;
  return flags.isSingleRound && epoch >= 1 && config.reviewPolicy === "auto";
}
