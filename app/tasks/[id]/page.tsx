import { TaskDetail } from "./task-detail";

export const metadata = { title: "Task · RODS" };

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TaskDetail id={id} />;
}
