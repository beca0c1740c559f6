"use client";
// The review decisions on this task (who, what, when, why); shown for tasks that went through review.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc-provider";
import { ReviewHistory } from "@/components/ui/review-history";
import { ErrorState, Loading } from "@/components/ui/states";

export function TaskReviews({ taskId, reviewState }: { taskId: string; reviewState: "none" | "pending" | "approved" | "rejected" }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.review.history.queryOptions({ taskId }));
  if (reviewState === "none" && history.data?.length === 0) return null;
  return (
    <section className="card" aria-label="Review">
      <h2 style={{ marginTop: 0 }}>Review</h2>
      <p>
        State: <span className={`chip${reviewState === "approved" ? " ok" : reviewState === "rejected" ? " warn" : ""}`}>{reviewState === "none" ? "no review needed" : reviewState}</span>
        {reviewState === "pending" ? <Link href="/review">Review it in the queue</Link> : null}
      </p>
      {history.isPending ? (
        <Loading label="Loading the review history…" />
      ) : history.isError ? (
        <ErrorState title="Could not load the review history" message={history.error.message} />
      ) : (
        <ReviewHistory reviews={history.data} />
      )}
    </section>
  );
}
