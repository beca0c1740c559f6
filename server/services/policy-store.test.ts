import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fake-openai-server";
import type { Db } from "../db";
import { bfclTasks } from "../policies/simulated/bfcl-tasks";
import { ZRunConfig } from "../rods/config";
import { policyForEvaluation, policyForStep } from "./policy-store";

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("OpenAI-compatible policies of a run", () => {
  it("keep training and held-out rollouts together within the run's concurrency (one server, one allowance)", async () => {
    let inFlight = 0;
    let most = 0;
    fake = await startFakeOpenAI({
      script: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return { content: "Done." };
      },
    });
    const config = ZRunConfig.parse({ policy: { kind: "openai", baseUrl: fake.url, model: "fake-model", concurrency: 3 } });
    // Neither policy reads the database for an OpenAI-compatible endpoint.
    const db = undefined as unknown as Db;
    const runId = `run-${Math.random()}`;
    const train = await policyForStep({ db, runId, stepIndex: 0, config });
    const heldOut = await policyForEvaluation({ db, runId, stepIndex: 0, config });
    const tasks = bfclTasks("train", 2).slice(0, 4);
    const results = await Promise.all([
      ...tasks.map((task, sample) => train.rollout(task, { sample, seed: sample })),
      ...tasks.map((task) => heldOut.rollout(task, { sample: 0, seed: 0, isGreedy: true })),
    ]);
    expect(results.every((r) => r.infraError === undefined)).toBe(true);
    expect(fake.requests.length).toBe(2 * tasks.reduce((n, t) => n + t.turns.length, 0));
    expect(most).toBe(3);
  });
});
