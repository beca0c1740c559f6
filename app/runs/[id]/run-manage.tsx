"use client";
// Run management on the monitor: run again with these settings (the launch form, prefilled), and delete after a
// confirmation that says what goes and what stays.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/trpc-provider";
import styles from "../runs.module.css";

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function RunManage({ run }: { run: { id: string; name: string; status: string } }) {
  const [isAsking, setIsAsking] = useState(false);
  return (
    <div className={styles.actions}>
      <Link href={`/experiments/new?from=${encodeURIComponent(run.id)}`} aria-label={`Run again with the settings of ${run.name}`}>
        Run again with these settings
      </Link>
      <button type="button" className={styles.danger} onClick={() => setIsAsking(true)} aria-haspopup="dialog">
        Delete…
      </button>
      {isAsking ? <DeleteDialog run={run} onClose={() => setIsAsking(false)} /> : null}
    </div>
  );
}

function DeleteDialog({ run, onClose }: { run: { id: string; name: string; status: string }; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  const impact = useQuery({ ...trpc.runs.deleteImpact.queryOptions({ id: run.id }), staleTime: 0 });
  const remove = useMutation(
    trpc.runs.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        router.push("/runs");
      },
    }),
  );
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const data = impact.data;
  return (
    <dialog ref={ref} aria-labelledby="delete-run-title" onClose={onClose} style={{ maxWidth: 520 }}>
      <h2 id="delete-run-title" style={{ marginTop: 0 }}>
        Delete “{run.name}”?
      </h2>
      {impact.isPending ? <p>Counting what the run owns…</p> : null}
      {impact.isError ? <p role="alert">{impact.error.message}</p> : null}
      {data ? (
        data.isActive ? (
          <p role="alert" data-testid="delete-blocked">
            The run is {data.status}: cancel it first, then delete it.
          </p>
        ) : (
          <>
            <p>This deletes, for good:</p>
            <ul data-testid="delete-counts">
              <li>{plural(data.deletes.steps, "step")}</li>
              <li>{plural(data.deletes.rollouts, "rollout")} (trajectories)</li>
              <li>{plural(data.deletes.poolEntries, "pool entry", "pool entries")}</li>
              <li>{plural(data.deletes.evaluations, "held-out evaluation")}</li>
              <li>{plural(data.deletes.synthesisAttempts, "synthesis attempt")}</li>
            </ul>
            <p data-testid="delete-keeps">
              Kept: the {plural(data.keeps.synthesizedTasks, "task")} this run synthesized stay in the dataset with their lineage (on /tasks and in exports); delete them
              there if you do not want them.
            </p>
          </>
        )
      ) : null}
      {remove.error ? (
        <p role="alert" style={{ color: "var(--err)" }}>
          {remove.error.message}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button
          type="button"
          className={styles.danger}
          disabled={!data || data.isActive || remove.isPending}
          onClick={() => remove.mutate({ id: run.id })}
        >
          {remove.isPending ? "Deleting…" : "Delete the run"}
        </button>
        <button type="button" onClick={() => ref.current?.close()}>
          Keep it
        </button>
      </div>
    </dialog>
  );
}
