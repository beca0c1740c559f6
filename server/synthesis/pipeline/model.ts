// Shared shapes of the synthesis pipeline (both backends): the seed's layout, a plan, an execution, and the
// typed failure every stage may raise. Pure data; no I/O.
import type { SynthesisErrorType, SynthesisStage } from "../types";

/** A failure with its taxonomy type; the pipeline turns it into a dropped SynthesisResult. */
export class SynthesisFailure extends Error {
  /** config patches applied before the failure (execute), for the attempt's record */
  patches?: ConfigPatch[];

  constructor(
    readonly errorType: SynthesisErrorType,
    message: string,
    readonly stage?: SynthesisStage,
  ) {
    super(message);
    this.name = "SynthesisFailure";
  }
}

/**
 * What a seed turn is for. `act`: the turn carries calls (in miss_func also the release turn, whose question is
 * empty). `ask_param`: empty ground truth because the user leaves out a value the next turn supplies. `ask_func`:
 * empty ground truth because the needed function is held back until the next (release) turn. `idle`: any other
 * empty ground-truth turn (the model should not act).
 */
export type TurnRole = "act" | "ask_param" | "ask_func" | "idle";

export interface SeedTurn {
  index: number;
  role: TurnRole;
  /** miss_func: the empty question turn where held-back tools are released */
  isRelease: boolean;
  /** class of each ground-truth call, in order (act turns only) */
  callClasses: string[];
  /** the seed's function names, in order (act turns only) */
  seedNames: string[];
}

export interface SeedLayout {
  turns: SeedTurn[];
  /** distinct classes per turn, in order of first use (the seed's structure profile) */
  classesPerTurn: string[][];
  dependencyDepth: number;
  /** release turn -> number of functions the seed holds back until it */
  heldBackCounts: Record<number, number>;
}

export interface PlannedCall {
  className: string;
  name: string;
  /** proposed arguments (llm plans); the procedural planner leaves them to grounding */
  args?: Record<string, unknown>;
}

/** Calls per seed turn index; non-act turns hold no calls. */
export interface TaskPlan {
  turns: PlannedCall[][];
  /** the plan stage's user request per seed turn index, when the backend wrote one (llm); kept by no_rewrite */
  queries?: (string | undefined)[];
}

export interface ConfigPatch {
  className: string;
  field: string;
  value: unknown;
  reason: string;
}

export interface ExecutedCall {
  className: string;
  name: string;
  args: Record<string, unknown>;
  /** the call in BFCL's Python syntax (the ground truth the verifier replays) */
  source: string;
  result: string;
  /** length of the longest dependency chain ending at this call */
  depth: number;
}

export interface Execution {
  initialConfig: Record<string, Record<string, unknown>>;
  patches: ConfigPatch[];
  /** per seed turn index */
  turns: ExecutedCall[][];
  /** canonical JSON of the public state after each seed turn */
  statesAfterTurn: string[];
  dependencyDepth: number;
  /** TaskPlan.queries of the executed plan */
  planQueries?: (string | undefined)[];
}
