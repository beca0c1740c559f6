// Contract between the BFCL environment (bfcl-env.ts) and one simulated API class (classes/*.ts).

/**
 * A Python value as a BFCL tool returns it. Plain JS values map to Python ones:
 * string -> str, number -> int/float, boolean -> bool, null -> None, array -> list, plain object -> dict.
 * Wrappers from py-format.ts express what JS cannot: PyFloat (a float with an integral value, printed "3.0"),
 * PyTuple. Formatting to the recorded result string is done by the environment, not the class.
 */
export type PyValue = unknown;

/** Thrown by a tool to model a Python exception; the environment records "Error during execution: <message>". */
export class PyException extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BfclApiClass {
  /** Python class name, e.g. "GorillaFileSystem". */
  readonly className: string;
  /** Load initial_config[className] ({} when absent: every missing field takes the class default). */
  loadScenario(config: Record<string, unknown>, longContext: boolean): void;
  /** Public attributes (names not starting with "_") in the canonical form of the traces; {} for stateless classes. */
  publicState(): Record<string, unknown>;
  /** Tool implementations by name; `args` are keyword arguments (already validated as names of the tool's parameters). */
  readonly tools: Readonly<Record<string, (args: Record<string, unknown>) => PyValue>>;
  /** Deep copy of all state, including private fields and RNG state. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}
