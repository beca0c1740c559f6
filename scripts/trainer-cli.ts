// `npm run rods -- trainer simulated --url URL --key KEY (--run ID | --create JSON) [...]`: the simulated learner as
// an external trainer process over /api/v1 (see scripts/trainer/simulated-trainer.ts). Prints JSON lines.
import { parseArgs } from "node:util";
import { runSimulatedTrainer } from "./trainer/simulated-trainer";

export const TRAINER_USAGE = `usage: npm run rods -- trainer simulated --url URL --key KEY (--run ID | --create JSON) [options]

  Trains a run with trainer "external" as an outside process, over HTTP only: serves the simulated learner as an
  OpenAI-compatible endpoint on 127.0.0.1, pulls batches, applies GRPO, acknowledges with the new version.
  --url URL            RODS, e.g. http://localhost:3000
  --key KEY            API key with the scopes trainer, runs:write and tasks:read
  --run ID             the run to train (its policy must point at this trainer's endpoint), or
  --create JSON        run settings: creates the run with its policy pointed at this trainer
  --port N             port of the endpoint (default 0: any free port; printed as {"serving": url})
  --state FILE         state file (default .rods/trainer-<run>.json); restart with the same file to resume
  --learning-rate X --clip X --kl-coef X --update-epochs N   the GRPO update (simulated-learner defaults)
  --max-steps N        stop after training N steps`;

export async function trainerCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  if (kind !== "simulated") {
    console.error(kind === undefined || kind === "--help" ? TRAINER_USAGE : `unknown trainer "${kind}".\n\n${TRAINER_USAGE}`);
    return kind === "--help" ? 0 : 2;
  }
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: Object.fromEntries(
        ["url", "key", "run", "create", "port", "state", "learning-rate", "clip", "kl-coef", "update-epochs", "max-steps"].map((name) => [name, { type: "string" as const }]),
      ),
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${TRAINER_USAGE}`);
    return 2;
  }
  if (!values.url || !values.key || (!values.run && !values.create)) {
    console.error(`trainer simulated needs --url, --key and --run or --create.\n\n${TRAINER_USAGE}`);
    return 2;
  }
  const create = values.create ? (JSON.parse(values.create) as Record<string, unknown>) : undefined;
  const result = await runSimulatedTrainer({
    url: values.url,
    key: values.key,
    runId: values.run,
    create,
    port: Number(values.port ?? 0),
    statePath: values.state ?? `.rods/trainer-${values.run ?? "new"}.json`,
    learningRate: Number(values["learning-rate"] ?? 0.5),
    clip: Number(values.clip ?? 0.2),
    klCoef: Number(values["kl-coef"] ?? 0),
    updateEpochs: Number(values["update-epochs"] ?? 2),
    maxSteps: values["max-steps"] ? Number(values["max-steps"]) : undefined,
    log: (line) => console.log(JSON.stringify(line)),
  });
  console.log(JSON.stringify({ done: true, ...result }));
  return 0;
}
