import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { SESSION_COOKIE } from "@/server/api/auth-http";
import { getDb } from "@/server/db";
import { isUnknownPageId } from "@/server/services/page-lookup";
import { RunMonitor } from "./run-monitor";

export const metadata = { title: "Run monitor · RODS" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (await isUnknownPageId({ db: getDb(), kind: "run", id, sessionToken: (await cookies()).get(SESSION_COOKIE)?.value })) notFound();
  return <RunMonitor runId={id} />;
}
