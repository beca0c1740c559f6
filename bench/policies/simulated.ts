// Throughput of the simulated learner on one core: one training step's worth of rollouts (100 BFCL train tasks × 16),
// each verified, against a baseline measured in the same run. Run: npx tsx bench/policies/simulated.ts [--rounds N]
//
// Baseline: ground-truth replay of the same tasks, 16 times each: restore the task's environment to its initial
// snapshot, execute the ground-truth calls, verify them (prepared ground truth reused, as the worker does). It is
// the least an LLM's perfect trajectory costs the environment and the verifier. Ratios say how many such replays one
// learner rollout plus its verification costs.
import { createBfclEnvironment, type BfclEnvironment } from "../../server/envs/bfcl/bfcl-env";
import type { ToolCall } from "../../server/envs/types";
import { bfclTasks, scoreCalls } from "../../server/policies/simulated/bfcl-tasks";
import { SimulatedLearner, type UpdateGroup } from "../../server/policies/simulated";
import type { RolloutTask } from "../../server/policies/types";
import { hashSeed } from "../../server/rods/random";
import { best as bestOf, roundsFromArgs, timeIt } from "../lib/timing";

const ROUNDS = roundsFromArgs();
const K = 16;
const PER_CATEGORY = 25;

const best = (fn: () => void) => bestOf(fn, ROUNDS);

const tasks = bfclTasks("train", PER_CATEGORY);
const learner = SimulatedLearner.create({ seed: 1 });
const rollouts = tasks.length * K;

const replayEnvs = new Map<RolloutTask, { env: BfclEnvironment; initial: unknown; calls: ToolCall[][] }>(
  tasks.map((task) => {
    const env = createBfclEnvironment({ involvedClasses: task.involvedClasses, initialConfig: task.initialConfig, longContext: task.longContext });
    return [task, { env, initial: env.snapshot(), calls: task.groundTruth.map((turn) => turn.map((c) => ({ name: c.name, args: c.args }))) }];
  }),
);
for (const task of tasks) scoreCalls(task, []); // prepare every ground truth once, outside the timings

const baselineMs = best(() => {
  for (const task of tasks) {
    const { env, initial, calls } = replayEnvs.get(task)!;
    for (let k = 0; k < K; k++) {
      env.restore(initial);
      for (const turn of calls) for (const call of turn) env.execute(call);
      scoreCalls(task, calls);
    }
  }
});

let round = 0;
const learnerMs = best(() => {
  round++;
  for (const task of tasks) {
    for (let k = 0; k < K; k++) {
      const result = learner.rolloutSync(task, { sample: k, seed: hashSeed(round, task.id, k) });
      scoreCalls(task, result.modelCalls);
    }
  }
});

// First touch: fresh task objects, so every task's model (environment, ground-truth run, snapshots) is built anew,
// as in the worker, where each rollout job maps its task row to a new object.
const freshTasks = bfclTasks("train", PER_CATEGORY);
const coldMs = timeIt(() => {
  for (const task of freshTasks) {
    for (let k = 0; k < K; k++) learner.rolloutSync(task, { sample: k, seed: hashSeed(0, task.id, k) });
  }
});

const groups: UpdateGroup[] = tasks.map((task) => ({
  rollouts: Array.from({ length: K }, (_, k) => {
    const r = learner.rolloutSync(task, { sample: k, seed: hashSeed(99, task.id, k) });
    return { behaviour: JSON.parse(JSON.stringify(r.behaviour)) as unknown, reward: scoreCalls(task, r.modelCalls).progressReward };
  }),
}));
const updateMs = best(() => {
  SimulatedLearner.fromJSON(learner.toJSON()).update({ groups, config: { learningRate: 0.5, clip: 0.2, klCoef: 0, updateEpochs: 2 } });
});

const perSecond = (ms: number) => Math.round((rollouts / ms) * 1000).toLocaleString("en-US");
console.log(`simulated learner, ${tasks.length} BFCL train tasks × ${K} rollouts (best of ${ROUNDS})`);
console.log(`  baseline  ground-truth replay + verify   ${baselineMs.toFixed(1).padStart(8)} ms   ${perSecond(baselineMs).padStart(9)} /s`);
console.log(`  learner   rollout + verify (warm)       ${learnerMs.toFixed(1).padStart(8)} ms   ${perSecond(learnerMs).padStart(9)} /s   ${(learnerMs / baselineMs).toFixed(2)}× baseline`);
console.log(`  learner   rollout only, fresh tasks     ${coldMs.toFixed(1).padStart(8)} ms   ${perSecond(coldMs).padStart(9)} /s   ${(coldMs / baselineMs).toFixed(2)}× baseline`);
console.log(`  update    GRPO step over ${rollouts} rollouts ${updateMs.toFixed(1).padStart(8)} ms`);
