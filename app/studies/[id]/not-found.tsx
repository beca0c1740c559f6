import Link from "next/link";

export default function StudyNotFound() {
  return (
    <>
      <h1>No such study</h1>
      <p className="muted">This address names no study: the link may be mistyped.</p>
      <p>
        <Link href="/studies">See all studies</Link>.
      </p>
    </>
  );
}
