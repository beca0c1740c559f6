"use client";
// Run management on the monitor: run again with these settings (the launch form, prefilled), and delete after a
// confirmation that says what goes and what stays.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formatDuration } from "@/components/charts/format";
import { useTRPC } from "@/components/trpc-provider";
import { runDurationSeconds } from "../run-list";
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

/** Started, ended and wall time of the run, for the monitor's header. */
export function RunTimes({ run }: { run: { createdAt: Date | string; startedAt: Date | string | null; finishedAt: Date | string | null } }) {
  const seconds = runDurationSeconds(run);
  return (
    <p className={styles.small} data-testid="run-times" style={{ margin: "0 0 8px" }}>
      Created {new Date(run.createdAt).toLocaleString()} · {run.startedAt ? `started ${new Date(run.startedAt).toLocaleString()}` : "not started yet"}
      {run.finishedAt ? ` · ended ${new Date(run.finishedAt).toLocaleString()}` : ""}
      {seconds !== null ? ` · ${run.finishedAt ? "took" : "running for"} ${formatDuration(seconds)}` : ""}
    </p>
  );
}

/** Notes and tags (saved on demand), and archive / unarchive; the server refuses these to anyone but the owner or an admin. */
export function RunNotes({ run }: { run: { id: string; name: string; status: string; notes: string; tags: string[]; archivedAt: Date | string | null } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notes, setNotes] = useState(run.notes);
  const [tags, setTags] = useState(run.tags.join(", "));
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
  const save = useMutation(trpc.runs.updateNotes.mutationOptions({ onSuccess }));
  const archive = useMutation(trpc.runs.archive.mutationOptions({ onSuccess }));
  const tagList = tags.split(",").map((t) => t.trim()).filter(Boolean);
  const isDirty = notes !== run.notes || tagList.join(",") !== run.tags.join(",");
  const isActive = ["queued", "running", "paused"].includes(run.status);
  const error = save.error ?? archive.error;
  return (
    <section className="card" aria-label="Notes and tags">
      <h2 style={{ marginTop: 0, fontSize: 16 }}>Notes and tags</h2>
      <label style={{ display: "block" }}>
        Notes
        <textarea value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={10_000} rows={3} style={{ display: "block", width: "100%" }} />
      </label>
      <label style={{ display: "block", marginTop: 6 }}>
        Tags <span className={styles.small}>(comma-separated; letters, digits and - _ . : /)</span>
        <input value={tags} onChange={(e) => setTags(e.target.value)} style={{ display: "block", width: "100%" }} />
      </label>
      <div className={styles.actions} style={{ marginTop: 6 }}>
        <button type="button" disabled={!isDirty || save.isPending} onClick={() => save.mutate({ id: run.id, notes, tags: tagList })}>
          {save.isPending ? "Saving…" : "Save notes and tags"}
        </button>
        {save.isSuccess && !isDirty ? <span className={styles.small}>Saved.</span> : null}
        <span style={{ flex: 1 }} />
        {run.archivedAt ? (
          <button type="button" disabled={archive.isPending} onClick={() => archive.mutate({ id: run.id, isArchived: false })}>
            Unarchive
          </button>
        ) : (
          <button
            type="button"
            disabled={archive.isPending || isActive}
            title={isActive ? "Cancel the run or let it finish first" : "Hide the run from the runs list (shown again with “Show archived”)"}
            onClick={() => archive.mutate({ id: run.id, isArchived: true })}
          >
            Archive
          </button>
        )}
      </div>
      {run.archivedAt ? <p className={styles.small}>Archived {new Date(run.archivedAt).toLocaleString()}: hidden from the runs list unless “Show archived” is ticked.</p> : null}
      {error ? (
        <p role="alert" style={{ color: "var(--err)" }}>
          {error.message}
        </p>
      ) : null}
    </section>
  );
}

/** What happened to the run, oldest first, read from its steps, pool and evaluations. */
export function RunEventLog({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const events = useQuery(trpc.runs.events.queryOptions({ id: runId }));
  return (
    <section className="card" aria-label="Event log">
      <h2 style={{ marginTop: 0, fontSize: 16 }}>Event log</h2>
      {events.isPending ? <p className="muted">Loading the events…</p> : null}
      {events.isError ? <p role="alert">{events.error.message}</p> : null}
      {events.data ? (
        <ol data-testid="event-log" style={{ margin: 0, paddingLeft: 18, maxHeight: 260, overflowY: "auto" }}>
          {events.data.map((e, i) => (
            <li key={i} data-kind={e.kind}>
              <span className={styles.small}>{e.at ? new Date(e.at).toLocaleString() : "—"}</span> {e.text}
            </li>
          ))}
        </ol>
      ) : null}
      <p className={styles.small} style={{ marginBottom: 0 }}>
        Pauses and resumes before the current state are not recorded; only the current pause or cancellation is shown.
      </p>
    </section>
  );
}
