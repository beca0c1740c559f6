import { describe, expect, it } from "vitest";
import { BFCL_CLASSES, funcDocs, type BfclSchema } from "../../envs/bfcl/data";
import { leakedNames, hasTemplateDebris } from "../pipeline/text-checks";
import type { ExecutedCall } from "../pipeline/model";
import { PHRASES } from "./phrases";
import { phraseOf } from "./rewrite";

function sampleValue(schema: BfclSchema | undefined): unknown {
  switch (schema?.type) {
    case "integer":
      return 3;
    case "float":
      return 2.5;
    case "boolean":
      return true;
    case "array":
      return ["Alpha", "Beta"];
    case "dict":
      return { priority: 2 };
    default:
      return "Sample Value";
  }
}

const allTools = BFCL_CLASSES.flatMap((cls) => funcDocs(cls).map((doc) => ({ cls, doc })));

describe("phrase templates", () => {
  it("cover every one of the 128 BFCL tools", () => {
    expect(allTools).toHaveLength(128);
    const missing = allTools.filter(({ doc }) => !PHRASES[doc.name]).map(({ doc }) => doc.name);
    expect(missing).toEqual([]);
  });

  it("render every tool without naming a tool or parameter identifier, and without template debris", () => {
    const problems: string[] = [];
    for (const { cls, doc } of allTools) {
      for (const withOptional of [false, true]) {
        const params = Object.entries(doc.parameters.properties ?? {}).filter(([k]) => withOptional || (doc.parameters.required ?? []).includes(k));
        const args = Object.fromEntries(params.map(([k, s]) => [k, sampleValue(s)]));
        const call: ExecutedCall = { className: cls, name: doc.name, args, source: "", result: "{}", depth: 0 };
        const text = phraseOf(call, { text: "", results: [] }, 0);
        const leaked = leakedNames(text, [call], { isStrict: true });
        if (leaked.length || hasTemplateDebris(text) || !text.trim()) problems.push(`${doc.name}: ${text} ${leaked.join(",")}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("state the literal values a call needs", () => {
    const call: ExecutedCall = { className: "TravelAPI", name: "get_flight_cost", args: { travel_from: "SFO", travel_to: "LAX", travel_date: "2026-03-01", travel_class: "economy" }, source: "", result: "{}", depth: 0 };
    const text = phraseOf(call, { text: "", results: [] }, 0);
    for (const v of ["'SFO'", "'LAX'", "'2026-03-01'", "economy"]) expect(text).toContain(v);
  });
});
