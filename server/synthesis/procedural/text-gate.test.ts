// The synthesized-text gate: what it catches (crafted defects), and a corpus of at least 200 accepted procedural
// tasks of every category that carries none of the defects, at an acceptance rate that shows the generator (not
// the gate dropping its output) keeps them clean.
import { describe, expect, it } from "vitest";
import { BFCL_CATEGORIES, loadBfclEntries } from "../../envs/bfcl/data";
import { toolDoc } from "../../envs/bfcl/tool-docs";
import { conversationProblems } from "../pipeline/text-checks";
import { seedFromEntry } from "../testing";
import type { SynthesizedTask } from "../types";
import { createProceduralSynthesizer } from ".";

describe("conversationProblems", () => {
  const all = new Set(["GorillaFileSystem", "TwitterAPI", "MathAPI"]);
  it("catches a placeholder glued into a value", () => {
    expect(conversationProblems(["Please copy the folder I'll give you next_notes.txt into backups."], all)[0]).toMatch(/glued/);
    expect(conversationProblems(["Please copy report_the file I'll give you next into backups."], all)[0]).toMatch(/glued/);
    expect(conversationProblems(["Please copy the file I'll give you next into backups."], all)).toEqual([]);
  });

  it("catches a goal naming a service that no call uses", () => {
    const text = "I'm sorting out my social media account and some files today. To start, please list what's in the current folder.";
    expect(conversationProblems([text], new Set(["GorillaFileSystem"]))[0]).toMatch(/my social media account \(TwitterAPI\)/);
    expect(conversationProblems([text], new Set(["GorillaFileSystem", "TwitterAPI"]))).toEqual([]);
  });

  it("catches a request repeated in a later turn, whatever the opener", () => {
    const problems = conversationProblems(
      ["I need a hand with some files. To start, please create a new folder called 'Reports', then list what's in the current folder.", "Next, please list what's in the current folder."],
      all,
    );
    expect(problems).toEqual([`turn 2 repeats the request of turn 1: "list what's in the current folder"`]);
    expect(conversationProblems(["Please create a new folder called 'Reports'.", "Next, please create a new folder called 'Drafts'."], all)).toEqual([]);
  });
});

const classesOf = (task: SynthesizedTask) => new Set(task.groundTruth.flat().map((c) => toolDoc(c.name)?.className ?? "?"));
const textsOf = (task: SynthesizedTask) => task.turns.map((m) => m.map((x) => x.content).join("\n"));

describe("synthesized text over ≥ 200 tasks of every category", () => {
  const synthesizer = createProceduralSynthesizer();
  for (const category of BFCL_CATEGORIES) {
    it(`${category}: 200 accepted tasks, none with a glued placeholder, an unused service in the goal or a repeated request`, async () => {
      const seeds = loadBfclEntries(category).filter((e) => e.index % 2 === 0).map(seedFromEntry);
      const accepted: SynthesizedTask[] = [];
      let attempts = 0;
      let textDrops = 0;
      for (let round = 0; accepted.length < 200 && round < 6; round++) {
        for (const seed of seeds) {
          if (accepted.length >= 200) break;
          attempts++;
          const result = await synthesizer.synthesize(seed, { seed: 1000 * round + attempts, existingHashes: new Set(), maxPatches: 3 });
          if (result.outcome === "accepted" && result.task) accepted.push(result.task);
          else if (result.gateResults.some((g) => g.name.endsWith("user_text") && !g.isPassed)) textDrops++;
        }
      }
      console.log(`${category}: ${accepted.length} accepted of ${attempts} attempts; dropped at the text gate: ${textDrops}`);
      expect(accepted.length).toBe(200);
      for (const task of accepted) {
        expect(conversationProblems(textsOf(task), classesOf(task))).toEqual([]);
        const texts = textsOf(task).filter(Boolean);
        expect(new Set(texts).size).toBe(texts.length); // no turn says the same thing twice
      }
      expect(accepted.length / attempts).toBeGreaterThan(0.85);
    }, 300_000);
  }
});
