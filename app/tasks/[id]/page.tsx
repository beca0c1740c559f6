import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { SESSION_COOKIE } from "@/server/api/auth-http";
import { getDb } from "@/server/db";
import { isUnknownPageId } from "@/server/services/page-lookup";
import { TaskDetail } from "./task-detail";

export const metadata = { title: "Task · RODS" };

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (await isUnknownPageId({ db: getDb(), kind: "task", id, sessionToken: (await cookies()).get(SESSION_COOKIE)?.value })) notFound();
  return <TaskDetail id={id} />;
}
