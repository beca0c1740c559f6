// Which token counts are estimates: the simulated learner has no tokenizer (server/policies/simulated), so it counts
// characters ÷ 4; an OpenAI-compatible server reports real counts (usage). The one rule for charts, the trajectory
// viewer, cost shares and exports. Pure and import-free, so components/charts uses it too.

/** The policy a run's config falls back to when it names none (ZRunConfig's default). */
const DEFAULT_POLICY_KIND = "simulated";

/** What the simulated learner's token counts are, for a reader. */
export const SIMULATED_TOKENS_ESTIMATE =
  "estimated: the simulated learner counts tokens as characters ÷ 4 (its context, tool schemas included, per model turn; its replies), not with a tokenizer";

/** True when a policy's token counts are estimates (the simulated learner's), false when a server reported them. */
export function areTokensEstimated(policyKind: string | null | undefined): boolean {
  return (policyKind ?? DEFAULT_POLICY_KIND) === "simulated";
}

/** The same, read from a run's stored config (JSON; a config without a policy gets the default policy). */
export function areRunTokensEstimated(config: unknown): boolean {
  const policy = (config as { policy?: { kind?: unknown } } | null)?.policy;
  return areTokensEstimated(typeof policy?.kind === "string" ? policy.kind : undefined);
}
