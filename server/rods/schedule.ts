// When held-out evaluation happens: before the first epoch, every E epochs, and after the last.

/** True when the policy is evaluated at the start of `epoch` (epoch = config.epochs: after the last one). */
export function isEvalEpoch({ epoch, epochs, evalEveryEpochs }: { epoch: number; epochs: number; evalEveryEpochs: number }): boolean {
  return epoch === 0 || epoch % evalEveryEpochs === 0 || epoch === epochs;
}
