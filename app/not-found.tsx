import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p className="muted">Nothing lives at this address.</p>
      <p>
        <Link href="/runs">Runs</Link> · <Link href="/tasks">Tasks</Link> · <Link href="/review">Review</Link> · <Link href="/api/v1/docs">API reference</Link>
      </p>
    </>
  );
}
