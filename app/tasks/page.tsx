import { Suspense } from "react";
import { Loading } from "@/components/ui/states";
import { TaskList } from "./task-list";

export const metadata = { title: "Tasks · RODS" };

export default function TasksPage() {
  return (
    <>
      <h1>Tasks</h1>
      <Suspense fallback={<Loading />}>
        <TaskList />
      </Suspense>
    </>
  );
}
