import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { SESSION_COOKIE } from "@/server/api/auth-http";
import { getDb } from "@/server/db";
import { isUnknownPageId } from "@/server/services/page-lookup";
import { StudyView } from "./study-view";

export const metadata = { title: "Study · RODS" };

export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (await isUnknownPageId({ db: getDb(), kind: "study", id, sessionToken: (await cookies()).get(SESSION_COOKIE)?.value })) notFound();
  return <StudyView studyId={id} />;
}
