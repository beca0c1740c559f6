import Link from "next/link";

export default function RunNotFound() {
  return (
    <>
      <h1>No such run</h1>
      <p className="muted">This address names no run: it may have been deleted, or the link is mistyped.</p>
      <p>
        <Link href="/runs">See all runs</Link> or <Link href="/experiments/new">start a new experiment</Link>.
      </p>
    </>
  );
}
