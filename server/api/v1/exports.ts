// /api/v1 exports: a run's tasks, trajectories or metrics as a streamed file. A thin door over export-service (the
// CLI `rods export` and the monitor's download links use the same service; the links call this route).
import { z } from "zod";
import { EXPORT_DESCRIPTIONS, EXPORT_FORMATS, exportFileName, streamRunExport } from "../../services/export-service";
import { defineRoute } from "./define-route";
import { ZRunId } from "./runs";

export const exportRoutes = [
  defineRoute({
    method: "GET",
    path: "/runs/{id}/export",
    operationId: "exportRun",
    tag: "runs",
    summary: "Download a run's data in one format",
    description: `Streamed, so large runs do not load into memory. Formats:\n\n${EXPORT_FORMATS.map((f) => `- \`${f}\`: ${EXPORT_DESCRIPTIONS[f]}`).join("\n")}\n\n\`bfcl\` is a tar of the folder \`rods import\` reads.`,
    scope: "runs:read",
    params: ZRunId,
    query: z.strictObject({ format: z.enum(EXPORT_FORMATS).meta({ description: "what to export" }) }),
    response: z.string().meta({ description: "the file (binary for bfcl and verl-parquet)", format: "binary" }),
    produces: "application/octet-stream",
    errors: [404],
    handle: async ({ db, params, query }) => {
      const body = await streamRunExport({ db, runId: params.id, format: query.format });
      const { name, contentType } = exportFileName(params.id, query.format);
      return new Response(body, {
        headers: { "Content-Type": contentType, "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
      }) as never;
    },
  }),
];
