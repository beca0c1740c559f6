// Numerically stable pieces of the Bernoulli policies the learner is made of.

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log σ(z) without overflow: −softplus(−z). */
export function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** log-probability of taking the side `isOne` of a Bernoulli with logit z. */
export function bernoulliLogProb(z: number, isOne: boolean): number {
  return isOne ? logSigmoid(z) : logSigmoid(-z);
}

/** KL(Bern(σ(z)) ‖ Bern(σ(z0))). */
export function bernoulliKl(z: number, z0: number): number {
  const p = sigmoid(z);
  return p * (logSigmoid(z) - logSigmoid(z0)) + (1 - p) * (logSigmoid(-z) - logSigmoid(-z0));
}
