// Replays one line of Python-syntax calls on a fresh environment and returns it in the trace format of
// data/bfcl/README.md, so our output can be diffed against the reference traces (`npm run rods -- replay <file>`).
import { z } from "zod";
import type { PublicState } from "../types";
import { createBfclEnvironment, type BfclEnvironmentOptions } from "./bfcl-env";
import { stateDigest } from "./trace-diff";

export const ZReplayInput = z.object({
  id: z.string(),
  involved_classes: z.array(z.string()).min(1),
  initial_config: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  long_context: z.boolean().default(false),
  turns: z.array(z.array(z.string())),
});
export type TReplayInput = z.infer<typeof ZReplayInput>;

export interface ReplayTurn {
  calls: string[];
  results: string[];
  state: PublicState;
  state_digest: string;
}

export interface ReplayOutput {
  id: string;
  initial_state: PublicState;
  initial_state_digest: string;
  turns: ReplayTurn[];
}

/** Replay one input line (JSON text or an already parsed object). Throws a readable error for a malformed line. */
export function replayLine(json: string | unknown, options?: BfclEnvironmentOptions): ReplayOutput {
  let raw: unknown = json;
  if (typeof json === "string") {
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new Error(`replay input is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const parsed = ZReplayInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`replay input is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const input = parsed.data;
  const env = createBfclEnvironment(
    { involvedClasses: input.involved_classes, initialConfig: input.initial_config, longContext: input.long_context },
    options,
  );
  // Copy states through JSON so later turns cannot alias earlier ones.
  const snapshotState = (): PublicState => JSON.parse(JSON.stringify(env.state())) as PublicState;
  const initial = snapshotState();
  const turns = input.turns.map((calls) => {
    const results = calls.map((c) => env.executeString(c).output);
    const state = snapshotState();
    return { calls, results, state, state_digest: stateDigest(state) };
  });
  return { id: input.id, initial_state: initial, initial_state_digest: stateDigest(initial), turns };
}
