"use client";
// Pieces shared by the runs list and the monitor: the status chip, the progress bar, pause/resume/cancel.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc-provider";
import styles from "./runs.module.css";

export function StatusChip({ status, reason }: { status: string; reason?: string | null }) {
  return (
    <span className={styles.status} data-status={status} title={reason ?? undefined} data-testid="run-status">
      {status}
    </span>
  );
}

export function ProgressBar({ done, total, label }: { done: number; total: number | null; label: string }) {
  const fraction = total ? Math.min(1, done / total) : 0;
  return (
    <div className={styles.progress}>
      <div className={styles.bar} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total ?? undefined} aria-valuenow={done}>
        <span style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}

/** Pause, resume and cancel (cancel asks once more); the server refuses these when nobody is signed in. */
export function RunActions({ run }: { run: { id: string; name: string; status: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isConfirmingCancel, setIsConfirmingCancel] = useState(false);
  const onSettled = () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
  const pause = useMutation(trpc.runs.pause.mutationOptions({ onSettled }));
  const resume = useMutation(trpc.runs.resume.mutationOptions({ onSettled }));
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSettled, onSuccess: () => setIsConfirmingCancel(false) }));
  const isBusy = pause.isPending || resume.isPending || cancel.isPending;
  const error = pause.error ?? resume.error ?? cancel.error;
  const canPause = run.status === "queued" || run.status === "running";
  const canResume = run.status === "paused";
  const canCancel = canPause || canResume;
  if (!canCancel) return null;
  return (
    <div className={styles.actions}>
      {canPause ? (
        <button type="button" disabled={isBusy} aria-label={`Pause ${run.name}`} onClick={() => pause.mutate({ id: run.id })}>
          Pause
        </button>
      ) : null}
      {canResume ? (
        <button type="button" disabled={isBusy} aria-label={`Resume ${run.name}`} onClick={() => resume.mutate({ id: run.id })}>
          Resume
        </button>
      ) : null}
      {isConfirmingCancel ? (
        <>
          <button type="button" className={styles.danger} disabled={isBusy} aria-label={`Confirm cancelling ${run.name}`} onClick={() => cancel.mutate({ id: run.id })}>
            Yes, cancel
          </button>
          <button type="button" disabled={isBusy} onClick={() => setIsConfirmingCancel(false)}>
            Keep it
          </button>
        </>
      ) : (
        <button type="button" className={styles.danger} disabled={isBusy} aria-label={`Cancel ${run.name}`} onClick={() => setIsConfirmingCancel(true)}>
          Cancel
        </button>
      )}
      {error ? (
        <span role="alert" className={styles.small} style={{ color: "var(--err)" }}>
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
