"use client";
// Manual review holding the run at an epoch boundary: how many tasks wait, a link to them, and "go on without them".
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc-provider";

export function ReviewGateBanner({ runId, isLive }: { runId: string; isLive: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gate = useQuery(trpc.review.gate.queryOptions({ runId })); // polled by the monitor's clock while live
  const goOn = useMutation(
    trpc.review.continueWithout.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(),
    }),
  );
  // Only a live run can be waiting; a finished one must not keep the last answer it got while it ran.
  if (!isLive || !gate.data?.isWaiting) return null;
  const { pending, epoch } = gate.data;
  return (
    <div className="banner" role="status" data-testid="review-gate">
      <strong>
        Waiting for review: {pending} task{pending === 1 ? "" : "s"}
      </strong>{" "}
      before epoch {epoch + 1} closes. <Link href={`/review?run=${encodeURIComponent(runId)}`}>Review them</Link>, or{" "}
      <button type="button" onClick={() => goOn.mutate({ runId })} disabled={goOn.isPending}>
        Go on without them
      </button>{" "}
      (they stay staged for the next boundary).
      {goOn.isError ? <span role="alert"> {goOn.error.message}</span> : null}
    </div>
  );
}
