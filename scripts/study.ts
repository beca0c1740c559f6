// `npm run rods -- study ...`: a grid of modes × seeds at one budget, created as the UI does ("New study") and
// worked through the job queue one run after another by an in-process worker (other workers on the same database
// help); prints progress, the table as Markdown, and with --json one line of per-run figures per mode.
import { parseArgs } from "node:util";
import { getDb } from "../server/db";
import { jobSender, startQueue } from "../server/jobs/queue";
import { RUN_MODES } from "../server/rods/config";
import { informativeAuc, studyMarkdown } from "../server/rods/study-table";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, countDatasetTasks, importTaskFolder } from "../server/services/import-service";
import { createStudy, getStudy, type StudyView } from "../server/services/study-service";
import { registerHandlers } from "../server/worker/handlers";
import { experimentOptions, runConfigFromFlags } from "./experiment";

export const STUDY_USAGE = `usage: npm run rods -- study --modes <list> --seeds <n> (--budget-steps N | --budget-rollouts N) [options]
  --modes       comma-separated, from ${RUN_MODES.join(", ")} (or "all")
  --seeds       seeds 1..n of every mode
  --budget-steps N / --budget-rollouts N   the equal training budget of every run
  the experiment command's settings: --epochs (upper bound, default 1000 with a budget) --k --batch --limit-seeds
  --eval-limit --policy --base-url --model --synthesizer ... --workers N   --json   --name TEXT`;

export async function runStudy(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...experimentOptions, modes: { type: "string" }, seeds: { type: "string", default: "3" }, "budget-steps": { type: "string" }, "budget-rollouts": { type: "string" } },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const modes = values.modes === "all" ? [...RUN_MODES] : (values.modes ?? "").split(",").map((m) => m.trim()).filter(Boolean);
  const config = runConfigFromFlags(values);
  delete config.mode;
  delete config.seed;
  if (values["budget-steps"] !== undefined) config.budgetSteps = Number(values["budget-steps"]);
  if (values["budget-rollouts"] !== undefined) config.budgetRollouts = Number(values["budget-rollouts"]);
  // With a budget, epochs are only an upper bound: a mode whose pool grows has more steps per epoch.
  if (config.epochs === undefined && (config.budgetSteps !== undefined || config.budgetRollouts !== undefined)) config.epochs = 1000;

  const db = getDb();
  if ((await countDatasetTasks({ db, datasetName: BFCL_DATASET })) === 0) {
    log("importing the BFCL seeds first…");
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  }
  const boss = await startQueue({ url: process.env.DATABASE_URL!, isWorker: true });
  try {
    const created = await createStudy({ db, jobs: jobSender(boss), input: { name: values.name, modes, seeds: Number(values.seeds), config } });
    log(`study ${created.id}: ${created.runs.length} runs (${created.modes.join(", ")} × ${created.seeds} seeds), one after another; working them here…`);
    await registerHandlers(boss, { concurrency: Math.max(1, Number(values.workers) || 1) });
    const reported = new Set<string>();
    let study: StudyView = created;
    for (;;) {
      study = await getStudy({ db, id: created.id });
      for (const r of study.runs) {
        if (["completed", "failed", "cancelled", "paused"].includes(r.status) && !reported.has(r.runId)) {
          reported.add(r.runId);
          log(`${r.mode} seed ${r.seed}: ${r.status}, ${r.steps} steps, ${r.rollouts} rollouts, held-out ${fmt(r.heldOutInitial)} → ${fmt(r.heldOutFinal)}, ${r.wallSeconds?.toFixed(0) ?? "—"} s`);
        }
      }
      if (study.runs.every((r) => r.status !== "queued" && r.status !== "running")) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    log(`\nheld-out: ${study.evaluation}\n`);
    log(studyMarkdown(study.table));
    if (values.json) process.stdout.write(`${JSON.stringify(studyJsonLine(study))}\n`);
    return study.runs.every((r) => r.status === "completed") ? 0 : 1;
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/** The --json line: {"studyId", "modes": {"<mode>": {"runs", "steps", "rollouts", "heldOutFinal", "informativeAuc"}}}. */
export function studyJsonLine(study: StudyView) {
  const modes: Record<string, { runs: string[]; steps: number[]; rollouts: number[]; heldOutFinal: (number | null)[]; informativeAuc: (number | null)[] }> = {};
  for (const mode of study.modes) {
    const runs = study.runs.filter((r) => r.mode === mode).sort((a, b) => a.seed - b.seed);
    modes[mode] = {
      runs: runs.map((r) => r.runId),
      steps: runs.map((r) => r.steps),
      rollouts: runs.map((r) => r.rollouts),
      heldOutFinal: runs.map((r) => r.heldOutFinal),
      informativeAuc: runs.map((r) => informativeAuc(r.informative)),
    };
  }
  return { studyId: study.id, modes };
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : v.toFixed(3);
}
