import Link from "next/link";

export default function TaskNotFound() {
  return (
    <>
      <h1>No such task</h1>
      <p className="muted">This address names no task: it may belong to a deleted run, or the link is mistyped.</p>
      <p>
        <Link href="/tasks">Search the tasks</Link> or <Link href="/runs">go to the runs</Link>.
      </p>
    </>
  );
}
