// Every review decision on a task: what, who, when, and why.
import styles from "./dashboard.module.css";

export interface ReviewView {
  id: string;
  decision: "approve" | "reject" | "edit";
  reason: string | null;
  createdAt: Date | string;
  /** email is null for visitors who are not signed in */
  user: { name: string; email: string | null };
}

const VERB = { approve: "approved", reject: "rejected", edit: "edited the user turns" } as const;

export function ReviewHistory({ reviews }: { reviews: ReviewView[] }) {
  if (reviews.length === 0) return <p className="muted">No review decisions yet.</p>;
  return (
    <ol className={styles.history} aria-label="Review history">
      {reviews.map((r) => (
        <li key={r.id}>
          <strong title={r.user.email ?? undefined}>{r.user.name}</strong> {VERB[r.decision]} ·{" "}
          <time dateTime={new Date(r.createdAt).toISOString()}>{new Date(r.createdAt).toLocaleString()}</time>
          {r.reason ? <span> · “{r.reason}”</span> : null}
        </li>
      ))}
    </ol>
  );
}
