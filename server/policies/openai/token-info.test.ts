import { describe, expect, it } from "vitest";
import { tokenInfoOf } from "./token-info";

describe("tokenInfoOf", () => {
  it("reads OpenAI's per-token logprobs and vLLM's token ids", () => {
    const raw = {
      prompt_token_ids: [1, 2, 3],
      choices: [{ index: 0, token_ids: [7, 8], logprobs: { content: [{ token: "he", logprob: -0.1, top_logprobs: [] }, { token: "llo", logprob: -2.5 }] } }],
    };
    expect(tokenInfoOf(raw, 4)).toEqual({ messageIndex: 4, tokens: ["he", "llo"], logprobs: [-0.1, -2.5], tokenIds: [7, 8], promptTokenIds: [1, 2, 3] });
  });

  it("returns null when the server sent no token record, and ignores malformed ones", () => {
    expect(tokenInfoOf({ choices: [{ index: 0, logprobs: null }] }, 1)).toBeNull();
    expect(tokenInfoOf(undefined, 1)).toBeNull();
    expect(tokenInfoOf({ choices: [{ logprobs: { content: [{ token: "a" }] }, token_ids: ["x"] }] }, 1)).toBeNull();
  });
});
