// `npm run rods -- experiment ...`: creates a run exactly as the UI does, works it to the end with an in-process
// worker (other workers on the same database help), shows progress per step, and can end with a JSON summary.
import { parseArgs } from "node:util";
import { getDb } from "../server/db";
import { startQueue, jobSender } from "../server/jobs/queue";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, countDatasetTasks, importTaskFolder } from "../server/services/import-service";
import { createRun, getRun, listFinishedSteps } from "../server/services/runs-service";
import { summarizeRun } from "../server/services/run-summary";
import { registerHandlers } from "../server/worker/handlers";
import { RUN_MODES } from "../server/rods/config";

export const EXPERIMENT_USAGE = `usage: npm run rods -- experiment --mode <${RUN_MODES.join("|")}> [options]
  --epochs N --k K --batch B --seed S --limit-seeds N --eval-limit N --name TEXT
  --budget-steps N --budget-rollouts N (end at this training budget, or at --epochs, whichever first)
  --policy simulated|openai [--base-url URL --model M --api-key-env VAR --concurrency C (requests in flight per worker)]
  --synthesizer procedural|llm [--synth-base-url URL --synth-model M]
  --review auto|manual   --workers N (rollout jobs at once in this process)   --json`;

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** The settings flags shared by experiment and study. */
export const experimentOptions = {
  mode: { type: "string" },
  epochs: { type: "string" },
  k: { type: "string" },
  batch: { type: "string" },
  seed: { type: "string" },
  "limit-seeds": { type: "string" },
  "eval-limit": { type: "string" },
  "budget-steps": { type: "string" },
  "budget-rollouts": { type: "string" },
  name: { type: "string" },
  policy: { type: "string", default: "simulated" },
  "base-url": { type: "string" },
  model: { type: "string" },
  "api-key-env": { type: "string" },
  concurrency: { type: "string" },
  synthesizer: { type: "string", default: "procedural" },
  "synth-base-url": { type: "string" },
  "synth-model": { type: "string" },
  review: { type: "string" },
  workers: { type: "string", default: "2" },
  json: { type: "boolean", default: false },
} as const;

type Flags = { [K in keyof typeof experimentOptions]?: (typeof experimentOptions)[K]["type"] extends "boolean" ? boolean : string };

/** Run settings from the flags (absent flags are left to the schema's defaults). */
export function runConfigFromFlags(values: Flags): Record<string, unknown> {
  const config: Record<string, unknown> = {
    mode: values.mode,
    epochs: num(values.epochs),
    k: num(values.k),
    batchSize: num(values.batch),
    seed: num(values.seed),
    limitSeeds: num(values["limit-seeds"]),
    evalLimit: num(values["eval-limit"]),
    budgetSteps: num(values["budget-steps"]),
    budgetRollouts: num(values["budget-rollouts"]),
    reviewPolicy: values.review,
    policy:
      values.policy === "openai"
        ? { kind: "openai", baseUrl: values["base-url"], model: values.model, apiKeyEnv: values["api-key-env"], concurrency: num(values.concurrency) }
        : { kind: values.policy },
    synthesizer:
      values.synthesizer === "llm"
        ? { kind: "llm", baseUrl: values["synth-base-url"] ?? values["base-url"], model: values["synth-model"] ?? values.model, apiKeyEnv: values["api-key-env"] }
        : { kind: values.synthesizer },
  };
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  return config;
}

export async function runExperiment(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: experimentOptions });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const config = runConfigFromFlags(values);

  const db = getDb();
  if ((await countDatasetTasks({ db, datasetName: BFCL_DATASET })) === 0) {
    log("importing the BFCL seeds first…");
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  }
  const boss = await startQueue({ url: process.env.DATABASE_URL!, isWorker: true });
  try {
    const run = await createRun({ db, jobs: jobSender(boss), name: values.name, config });
    log(`run ${run.id} (${run.mode}) created: ${run.totalSteps} steps planned; working it here…`);
    const started = Date.now();
    await registerHandlers(boss, { concurrency: Math.max(1, Number(values.workers) || 1) });
    let lastStep = -1;
    for (;;) {
      const current = await getRun({ db, id: run.id });
      const steps = await listFinishedSteps({ db, runId: run.id, afterIndex: lastStep });
      for (const s of steps) {
        const r = s.regions as { seed?: Record<string, number>; synthesized?: Record<string, number> } | null;
        const region = (k: string) => (r?.seed?.[k] ?? 0) + (r?.synthesized?.[k] ?? 0);
        log(
          `step ${s.index + 1}/${current.totalSteps ?? "?"} · epoch ${s.epoch + 1} · reward ${fmt(s.meanReward)} · informative ${fmt(s.informativeFraction)} · φ̄ ${fmt(s.meanPhi)} · hard/boundary/mastered ${region("hard")}/${region("boundary")}/${region("mastered")}${s.infraFailures ? ` · infra failures ${s.infraFailures}` : ""}`,
        );
        lastStep = s.index;
      }
      if (current.status === "completed" || current.status === "failed" || current.status === "cancelled") break;
      if (current.status === "paused") {
        log(`run paused: ${current.statusReason ?? "by a user"}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const summary = await summarizeRun({ db, runId: run.id });
    log(`run ${summary.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: held-out ${fmt(summary.heldOut.initial?.overall)} → ${fmt(summary.heldOut.final?.overall)}`);
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.status === "completed" ? 0 : 1;
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : v.toFixed(3);
}
