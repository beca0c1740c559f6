// The pure rules of an episode played from outside: what a turn shows, how calls execute, what is scored.
import { describe, expect, it } from "vitest";
import { parsedToToolCall } from "../envs/bfcl/bfcl-env";
import { loadBfclEntries } from "../envs/bfcl/data";
import { parseCall } from "../envs/bfcl/python-call";
import { MISS_FUNC_USER_MESSAGE } from "../policies/openai/agent";
import type { RolloutTask } from "../policies/types";
import { isEvalEpoch } from "../rods/schedule";
import { episodeMessages, modelCallsOf, playEpisode, turnView } from "./env-episode";

function taskOf(id: string, category: "base" | "miss_func"): RolloutTask {
  const e = loadBfclEntries(category).find((x) => x.id === id)!;
  return {
    id: e.id,
    category,
    involvedClasses: e.involvedClasses,
    initialConfig: e.initialConfig,
    longContext: false,
    turns: e.question.map((turn) => turn.map((m) => ({ role: "user" as const, content: m.content }))),
    groundTruth: e.groundTruth.map((turn) => turn.map((source) => ({ ...parsedToToolCall(parseCall(source)), source }))),
    missedFunctions: e.missedFunction,
  };
}

const gtTurns = (task: RolloutTask) => task.groundTruth.map((turn) => turn.map((c) => ({ name: c.name, arguments: c.args })));

describe("episodes played from outside", () => {
  it("scores the ground truth 1 and a rollout that stops a turn early below 1", () => {
    const task = taskOf("multi_turn_base_0", "base");
    expect(playEpisode(task, gtTurns(task)).verdict).toMatchObject({ progressReward: 1, success: true });
    const short = playEpisode(task, gtTurns(task).slice(0, -1)).verdict;
    expect(short.progressReward).toBeCloseTo((task.turns.length - 1) / task.turns.length);
    expect(short.turns.at(-1)).toMatchObject({ reason: "turn not reached" });
  });

  it("answers arguments that are not an object with an error result and leaves them out of scoring", () => {
    const task = taskOf("multi_turn_base_0", "base");
    const { calls } = playEpisode(task, [[{ name: "cd", arguments: "[\"document\"]" }, { name: "cd", arguments: "{\"folder\": \"document\"}" }]]);
    expect(calls[0]![0]).toMatchObject({ args: null, raw: "[\"document\"]", output: expect.stringMatching(/must be a JSON object/) });
    expect(calls[0]![1]!.output).toBe('{"current_working_directory": "document"}');
    expect(modelCallsOf(calls)).toEqual([[{ name: "cd", args: { folder: "document" } }]]);
  });

  it("writes the trajectory as OpenAI messages: user turn, the calls, one tool message per result", () => {
    const task = taskOf("multi_turn_base_0", "base");
    const { messages } = playEpisode(task, gtTurns(task).slice(0, 1));
    const n = task.groundTruth[0]!.length;
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", ...Array(n).fill("tool")]);
    expect(episodeMessages(task, [[]])).toEqual(task.turns[0]);
  });

  it("shows held-back tools only from their release turn, with BFCL's release message", () => {
    const task = taskOf("multi_turn_miss_func_0", "miss_func");
    const [turn, names] = Object.entries(task.missedFunctions)[0]!;
    const before = turnView(task, Number(turn) - 1);
    const at = turnView(task, Number(turn));
    expect(before.tools.map((t) => t.function.name)).not.toContain(names![0]);
    expect(at.tools.map((t) => t.function.name)).toContain(names![0]);
    expect(at.messages).toEqual([{ role: "user", content: MISS_FUNC_USER_MESSAGE }]);
  });

  it("evaluates before the first epoch, every E epochs and after the last", () => {
    const due = (epochs: number, evalEveryEpochs: number) => Array.from({ length: epochs + 1 }, (_, epoch) => epoch).filter((epoch) => isEvalEpoch({ epoch, epochs, evalEveryEpochs }));
    expect(due(8, 2)).toEqual([0, 2, 4, 6, 8]);
    expect(due(5, 2)).toEqual([0, 2, 4, 5]);
    expect(due(2, 1)).toEqual([0, 1, 2]);
  });
});
