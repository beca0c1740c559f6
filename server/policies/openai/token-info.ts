// The token-level record of one completion, read off the chat-completion object as the server sent it: OpenAI's
// `choices[0].logprobs.content` (token, logprob) and vLLM's token ids (`choices[0].token_ids`, `prompt_token_ids`).
// An external trainer needs them for importance ratios; servers that send none leave the record out.

export interface TokenInfo {
  /** index of the assistant message in the trajectory this completion produced */
  messageIndex: number;
  tokens?: string[];
  logprobs?: number[];
  tokenIds?: number[];
  promptTokenIds?: number[];
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** What of the token record `raw` carries, or null when it carries none of it. */
export function tokenInfoOf(raw: Record<string, unknown> | undefined, messageIndex: number): TokenInfo | null {
  const choice = (Array.isArray(raw?.choices) ? raw.choices[0] : undefined) as Record<string, unknown> | undefined;
  if (!choice) return null;
  const info: TokenInfo = { messageIndex };
  const content = (choice.logprobs as { content?: unknown } | null | undefined)?.content;
  if (Array.isArray(content) && content.length > 0) {
    const entries = content.filter((c): c is { token: string; logprob: number } => typeof c?.token === "string" && typeof c?.logprob === "number");
    if (entries.length === content.length) {
      info.tokens = entries.map((e) => e.token);
      info.logprobs = entries.map((e) => e.logprob);
    }
  }
  if (isNumberArray(choice.token_ids)) info.tokenIds = choice.token_ids;
  const promptIds = raw?.prompt_token_ids ?? choice.prompt_token_ids;
  if (isNumberArray(promptIds)) info.promptTokenIds = promptIds;
  return info.logprobs || info.tokenIds || info.promptTokenIds ? info : null;
}
