// The study table as a download: ?format=md (Markdown) or ?format=csv.
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { studyCsv, studyMarkdown } from "@/server/rods/study-table";
import { getStudy } from "@/server/services/study-service";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const format = new URL(request.url).searchParams.get("format") ?? "md";
  if (format !== "md" && format !== "csv") return new Response('format must be "md" or "csv"', { status: 400 });
  try {
    const study = await getStudy({ db: getDb(), id: id.slice(0, 100) });
    const body = format === "md" ? `# ${study.name}\n\nHeld-out scoring: ${study.evaluation}.\n\n${study.costBasis ? `Synthesis cost share: ${study.costBasis}.\n\n` : ""}${studyMarkdown(study.table)}` : studyCsv(study.table);
    return new Response(body, {
      headers: {
        "content-type": format === "md" ? "text/markdown; charset=utf-8" : "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="study-${study.id}.${format}"`,
      },
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return new Response(error.message, { status: 404 });
    throw error;
  }
}
