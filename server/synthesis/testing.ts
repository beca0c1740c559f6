// Test helpers: BFCL train entries as the RolloutTask seeds the pipeline receives (the importer's shape).
import { parsedToToolCall } from "../envs/bfcl/bfcl-env";
import { BFCL_CATEGORIES, loadBfclEntries, type BfclEntry } from "../envs/bfcl/data";
import { parseCall } from "../envs/bfcl/python-call";
import type { RolloutTask } from "../policies/types";

export function seedFromEntry(e: BfclEntry): RolloutTask {
  return {
    id: e.id,
    category: e.category,
    involvedClasses: [...e.involvedClasses],
    initialConfig: JSON.parse(JSON.stringify(e.initialConfig)) as RolloutTask["initialConfig"],
    longContext: e.longContext,
    turns: e.question.map((t) => t.map((m) => ({ role: "user" as const, content: m.content }))),
    groundTruth: e.groundTruth.map((turn) =>
      turn.map((source) => {
        const call = parsedToToolCall(parseCall(source));
        return { name: call.name, args: call.args, source };
      }),
    ),
    missedFunctions: JSON.parse(JSON.stringify(e.missedFunction)) as Record<string, string[]>,
  };
}

/** Train seeds (even scenario index): per category, the first seed of every class mix. */
export function sampleTrainSeeds(): RolloutTask[] {
  const out: RolloutTask[] = [];
  for (const category of BFCL_CATEGORIES) {
    const seen = new Set<string>();
    for (const e of loadBfclEntries(category)) {
      const mix = [...e.involvedClasses].sort().join("+");
      if (e.index % 2 !== 0 || seen.has(mix)) continue;
      seen.add(mix);
      out.push(seedFromEntry(e));
    }
  }
  return out;
}

export function trainSeed(id: string): RolloutTask {
  for (const category of BFCL_CATEGORIES) {
    const e = loadBfclEntries(category).find((x) => x.id === id);
    if (e) return seedFromEntry(e);
  }
  throw new Error(`no BFCL entry ${id}`);
}
