// The environment interface: what RODS needs from any tool environment (BFCL today, others later).
// Pure code: no I/O beyond reading shipped data tables, no clock.

/** OpenAI function-calling tool, as sent in `tools` of a chat completion request. */
export interface OpenAITool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** A parsed tool call: function name plus keyword arguments (positional ones already mapped to names). */
export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
}

/** What executing one call produced, as the reference records it. */
export interface CallResult {
  /** The result string exactly as BFCL records it (see ../shared/bfcl/README.md "Trace format"). */
  output: string;
  /** True when the call raised (output starts with "Error during execution:") or was not a valid call. */
  isError: boolean;
}

/** Canonical public state: class name -> public attributes in canonical JSON form. */
export type PublicState = Record<string, Record<string, unknown>>;

export interface EnvironmentInit {
  involvedClasses: string[];
  initialConfig: Record<string, Record<string, unknown>>;
  longContext: boolean;
}

export interface Environment {
  /** Tool schemas of the involved classes in OpenAI format, optionally leaving out held-back names. */
  tools(options?: { exclude?: readonly string[] }): OpenAITool[];
  /** Execute a call given as name + JSON-decoded arguments. Never throws for bad calls: returns an error result. */
  execute(call: ToolCall): CallResult;
  /** Execute a BFCL Python-syntax call string such as `mv(source='a', destination='b')`. */
  executeString(call: string): CallResult;
  /** Canonical public state of every involved stateful class. */
  state(): PublicState;
  /** Opaque deep copy of everything (including private fields and RNG state). */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}
