// Tool name -> its schema and class, across the 8 BFCL classes (tool names are unique across classes).
import { BFCL_CLASSES, funcDocs, type FuncDoc } from "./data";

let index: Map<string, { doc: FuncDoc; className: string }> | undefined;

function toolIndex() {
  if (!index) {
    index = new Map();
    for (const className of BFCL_CLASSES) for (const doc of funcDocs(className)) index.set(doc.name, { doc, className });
  }
  return index;
}

export function toolDoc(name: string): { doc: FuncDoc; className: string } | undefined {
  return toolIndex().get(name);
}

/** Parameter names of a tool in schema order (positional arguments bind to these). */
export function paramOrderOf(name: string): readonly string[] | undefined {
  const found = toolDoc(name);
  return found ? Object.keys(found.doc.parameters.properties ?? {}) : undefined;
}

/**
 * Tool names offered at each turn: every tool of the involved classes, except that functions held back in a
 * miss_func entry ({"<turn>": [names]}) appear only from their turn on.
 */
export function toolNamesPerTurn({
  involvedClasses,
  missedFunctions,
  numTurns,
}: {
  involvedClasses: readonly string[];
  missedFunctions: Readonly<Record<string, readonly string[]>>;
  numTurns: number;
}): string[][] {
  const all = involvedClasses.flatMap((c) => funcDocs(c).map((d) => d.name));
  const releasedAt = new Map<string, number>();
  for (const [turn, names] of Object.entries(missedFunctions)) for (const n of names) releasedAt.set(n, Number(turn));
  return Array.from({ length: numTurns }, (_, t) => all.filter((n) => (releasedAt.get(n) ?? 0) <= t));
}
