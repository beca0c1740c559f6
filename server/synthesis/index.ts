// Skill-aligned synthesis (DESIGN.md §1, stages plan, execute, rewrite, critique, augment) with two backends:
// procedural (no model) and llm (an OpenAI-compatible model). Imported by server/services; imports server/envs,
// server/rods and server/llm only. pipeline/ holds what both backends share.
import type { TSynthesizerConfig } from "../rods/config";
import { createLlmSynthesizer } from "./llm";
import { createProceduralSynthesizer } from "./procedural";
import type { Synthesizer } from "./types";

export { createLlmSynthesizer, type LlmSynthesizerConfig } from "./llm";
export { createProceduralSynthesizer } from "./procedural";
export * from "./types";

/** The backend a run's settings name. */
export function createSynthesizer(config: TSynthesizerConfig): Synthesizer {
  if (config.kind === "llm") {
    const { baseUrl, model, apiKeyEnv, timeoutMs, maxRetries, temperature } = config;
    return createLlmSynthesizer({ baseUrl, model, apiKeyEnv, timeoutMs, maxRetries, temperature });
  }
  return createProceduralSynthesizer();
}
