// `npm run rods -- <command>`: the command line of RODS.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { disconnectDb, getDb } from "../server/db";
import { parseEnv } from "../server/env";
import { AppError } from "../server/errors";
import { provideDatabase, type ProvidedDatabase } from "../server/platform/database";
import { readRuntimeInfo } from "../server/platform/runtime-file";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../server/services/import-service";

const USAGE = `usage: npm run rods -- <command> [options]

commands:
  import <dir> [--dataset NAME]   import a folder in BFCL multi-turn format (questions/, answers/);
                                  default dataset: ${BFCL_DATASET} for the shipped data, else the folder name
  replay <file>                   execute call sequences (JSON lines) and print results and states per turn
  migrate                         apply pending database migrations
  experiment --mode <mode> ...    run an experiment to the end (see: npm run rods -- experiment --help)
  study --modes <list> --seeds <n> --budget-steps <n> ...
                                  modes × seeds at an equal budget, one table (see: npm run rods -- study --help)
  user create --email E --name N [--password P] [--admin]
                                  create a user who can sign in
  export <runId> --format bfcl|verl-parquet|trl-jsonl|trajectories|metrics-csv --out <path>
                                  write a run's tasks, trajectories or metrics (see: npm run rods -- export --help)
  apikey create --user EMAIL --scopes LIST|all --name NAME
                                  create an API key (printed once) for /api/v1
  trainer simulated --url URL --key KEY (--run ID | --create JSON)
                                  the simulated learner as an external trainer over /api/v1
`;

/** The database a command uses: DATABASE_URL, the one a running `npm start` owns, or an embedded one of its own. */
async function connect(): Promise<ProvidedDatabase> {
  const env = parseEnv();
  const running = env.DATABASE_URL ? undefined : readRuntimeInfo(env.RODS_HOME);
  const db = await provideDatabase({ databaseUrl: env.DATABASE_URL ?? running?.databaseUrl, home: env.RODS_HOME, log: (m) => console.error(`[rods] ${m}`) });
  process.env.DATABASE_URL = db.url;
  return db;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "import": {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { dataset: { type: "string" } } });
      const dir = positionals[0];
      if (!dir) {
        console.error(`import needs a folder.\n\n${USAGE}`);
        return 2;
      }
      const abs = path.resolve(dir);
      const isShipped = abs === path.resolve(SHIPPED_BFCL_DIR);
      const datasetName = values.dataset ?? (isShipped ? BFCL_DATASET : path.basename(abs));
      const database = await connect();
      try {
        const summary = await importTaskFolder({
          db: getDb(),
          dir: abs,
          datasetName,
          origin: isShipped ? "seed" : "imported",
          onProgress: (done, total) => void process.stderr.write(`\rimporting ${done}/${total}`),
        });
        process.stderr.write("\n");
        console.log(`${summary.dataset}: read ${summary.read} tasks, created ${summary.created}, ${summary.unchanged} already present`);
        return 0;
      } finally {
        await disconnectDb();
        await database.stop();
      }
    }
    case "replay": {
      const file = rest[0];
      if (!file) {
        console.error(`replay needs a file of JSON lines.\n\n${USAGE}`);
        return 2;
      }
      const { replayLine } = await import("../server/envs/bfcl/replay");
      const lines = readFileSync(file, "utf8").split("\n");
      let failures = 0;
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        try {
          process.stdout.write(`${JSON.stringify(replayLine(line))}\n`);
        } catch (error) {
          failures++;
          console.error(`${file}:${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      return failures ? 1 : 0;
    }
    case "experiment": {
      const { runExperiment, EXPERIMENT_USAGE } = await import("./experiment");
      if (rest.includes("--help")) {
        console.log(EXPERIMENT_USAGE);
        return 0;
      }
      const database = await connect();
      try {
        return await runExperiment(rest);
      } finally {
        await disconnectDb();
        await database.stop();
      }
    }
    case "study": {
      const { runStudy, STUDY_USAGE } = await import("./study");
      if (rest.includes("--help")) {
        console.log(STUDY_USAGE);
        return 0;
      }
      const database = await connect();
      try {
        return await runStudy(rest);
      } finally {
        await disconnectDb();
        await database.stop();
      }
    }
    case "user":
      return (await import("./user-cli")).userCommand(rest);
    case "export": {
      const { EXPORT_USAGE, exportCommand, parseExportArgs } = await import("./export-cli");
      if (rest.includes("--help")) {
        console.log(EXPORT_USAGE);
        return 0;
      }
      const args = parseExportArgs(rest);
      if ("error" in args) {
        console.error(`${args.error}\n\n${EXPORT_USAGE}`);
        return 2;
      }
      const database = await connect();
      try {
        return await exportCommand(args);
      } finally {
        await disconnectDb();
        await database.stop();
      }
    }
    case "apikey":
      return (await import("./apikey-cli")).apiKeyCommand(rest);
    case "trainer":
      return (await import("./trainer-cli")).trainerCommand(rest);
    case "migrate": {
      const database = await connect();
      console.log(database.appliedMigrations.length ? `applied ${database.appliedMigrations.join(", ")}` : "the database is up to date");
      await database.stop();
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command ? 0 : 2;
    default:
      console.error(`unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    // Users see what went wrong, not a stack trace (RODS_DEBUG=1 shows it for bug reports).
    const detail = error instanceof Error && !(error instanceof AppError) && process.env.RODS_DEBUG ? `\n${error.stack}` : "";
    console.error(`${error instanceof Error ? error.message : String(error)}${detail}`);
    process.exit(1);
  },
);
