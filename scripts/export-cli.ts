// `npm run rods -- export <runId> --format F --out PATH`: a run's data to disk, through the same export service as
// the web downloads. Works with the app running (its database) or without (DATABASE_URL or an embedded one).
import { parseArgs } from "node:util";
import { getDb } from "../server/db";
import { EXPORT_DESCRIPTIONS, EXPORT_FORMATS, exportRun, type ExportFormat } from "../server/services/export-service";

export const EXPORT_USAGE = `usage: npm run rods -- export <runId> --format <format> --out <path>

formats:
${EXPORT_FORMATS.map((f) => `  ${f.padEnd(14)} ${EXPORT_DESCRIPTIONS[f]}`).join("\n")}

  --out is a folder for bfcl (laid out as rods import reads it), else a file.`;

/** Checks the arguments before any database is touched; returns the parsed ones or an error text. */
export function parseExportArgs(args: string[]): { runId: string; format: ExportFormat; out: string } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { format: { type: "string" }, out: { type: "string" } } });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const { values, positionals } = parsed;
  const runId = positionals[0];
  if (!runId) return { error: "export needs a run id (see the runs page or the run's address /runs/<id>)." };
  if (!values.format) return { error: `export needs --format, one of ${EXPORT_FORMATS.join(", ")}.` };
  if (!(EXPORT_FORMATS as readonly string[]).includes(values.format)) return { error: `unknown format "${values.format}"; use one of ${EXPORT_FORMATS.join(", ")}.` };
  if (!values.out) return { error: "export needs --out <path> (a folder for bfcl, else a file)." };
  return { runId, format: values.format as ExportFormat, out: values.out };
}

/** Runs after the caller connected the database. Returns the exit code. */
export async function exportCommand(args: { runId: string; format: ExportFormat; out: string }): Promise<number> {
  const summary = await exportRun({ db: getDb(), runId: args.runId, format: args.format, out: args.out });
  const what = args.format === "trajectories" ? "rollouts" : args.format === "metrics-csv" ? "steps" : "tasks";
  console.log(`${summary.format}: wrote ${summary.rows} ${what} to ${summary.path}${summary.files.length > 1 ? ` (${summary.files.join(", ")})` : ""}`);
  return 0;
}
