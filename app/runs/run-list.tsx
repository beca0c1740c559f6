"use client";
// Every run with its mode, status, progress, current informative fraction and latest held-out score; pause,
// resume and cancel; tick runs to compare them. Refreshes every few seconds while any run is live.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatDuration, formatShare } from "@/components/charts/format";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { ProgressBar, RunActions, StatusChip } from "./run-bits";
import { WaitingForTrainer } from "./trainer-bits";
import styles from "./runs.module.css";

const LIVE = new Set(["queued", "running"]);

/** Wall time of a run: from its start to its end (or to now while it runs); null before it started. */
export function runDurationSeconds(run: { startedAt: Date | string | null; finishedAt: Date | string | null }, now = Date.now()): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : now;
  return (end - new Date(run.startedAt).getTime()) / 1000;
}

export function RunList() {
  const trpc = useTRPC();
  const [tag, setTag] = useState("");
  const [includeArchived, setIncludeArchived] = useState(false);
  const tags = useQuery({ ...trpc.runs.tags.queryOptions(), staleTime: 30_000 });
  const list = useQuery({
    ...trpc.runs.list.queryOptions({ limit: 100, tag: tag || undefined, includeArchived }),
    refetchInterval: (q) => (q.state.data?.some((r) => LIVE.has(r.status)) ? 3_000 : 15_000),
  });
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  if (list.isPending) return <Loading label="Loading runs…" />;
  if (list.isError) return <ErrorState title="Could not load the runs" message={list.error.message} onRetry={() => void list.refetch()} />;
  const runs = list.data;
  const filters = (
    <div className={styles.toolbar} role="group" aria-label="Filter runs">
      <label>
        Tag{" "}
        <select value={tag} onChange={(e) => setTag(e.target.value)} aria-label="Filter by tag">
          <option value="">all runs</option>
          {(tags.data ?? []).map((t) => (
            <option key={t.tag} value={t.tag}>
              {t.tag} ({t.runs})
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)} /> Show archived
      </label>
    </div>
  );
  if (runs.length === 0 && (tag || includeArchived)) {
    return (
      <>
        {filters}
        <EmptyState title="No run matches">Clear the tag filter to see every run.</EmptyState>
      </>
    );
  }
  if (runs.length === 0) {
    return (
      <EmptyState title="No runs yet">
        <Link href="/experiments/new">Launch an experiment</Link> or start one with <code>npm run rods -- experiment</code>.
      </EmptyState>
    );
  }
  const picked = selected.filter((id) => runs.some((r) => r.id === id));
  return (
    <>
      <div className={styles.toolbar}>
        <span className="muted" aria-live="polite">
          {picked.length === 0 ? "Tick two or more runs to compare them." : `${picked.length} run${picked.length === 1 ? "" : "s"} picked.`}
        </span>
        {picked.length >= 2 ? (
          <Link href={`/compare?runs=${picked.map(encodeURIComponent).join(",")}`}>Compare {picked.length} runs</Link>
        ) : (
          <button type="button" disabled>
            Compare
          </button>
        )}
        <span className={styles.spacer} />
        <Link href="/experiments/new">New experiment</Link>
      </div>
      {filters}
      <table aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">
              <span className={styles.visuallyHidden}>Compare</span>
            </th>
            <th scope="col">Run</th>
            <th scope="col">Mode</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Informative fraction</th>
            <th scope="col">Held-out score</th>
            <th scope="col">Created</th>
            <th scope="col">Ended · duration</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row">
              <td>
                <input type="checkbox" aria-label={`Compare ${run.name}`} checked={picked.includes(run.id)} onChange={() => toggle(run.id)} />
              </td>
              <td>
                <Link href={`/runs/${run.id}`}>{run.name}</Link>
                <div className={styles.small}>{run.datasetName}</div>
                {run.archivedAt ? <span className="chip">archived</span> : null}
                {run.tags.map((t) => (
                  <button key={t} type="button" className="chip" onClick={() => setTag(t)} title={`Show only runs tagged ${t}`} data-testid="run-tag">
                    {t}
                  </button>
                ))}
              </td>
              <td>{run.mode}</td>
              <td>
                <StatusChip status={run.status} reason={run.statusReason} />
                {run.statusReason ? <div className={styles.small}>{run.statusReason}</div> : null}
                <WaitingForTrainer since={run.trainerWaitingSince} />
              </td>
              <td>
                <ProgressBar done={run.progress.stepsDone} total={run.progress.totalSteps} label={`Progress of ${run.name}`} />
                <div className={styles.small}>
                  {run.progress.stepsDone} of {run.progress.totalSteps ?? "?"} steps · epoch {Math.min(run.progress.epoch + 1, run.progress.epochs)} of {run.progress.epochs}
                </div>
              </td>
              <td title={run.informativeFractionStep === null ? undefined : `at step ${run.informativeFractionStep + 1}`}>{formatShare(run.informativeFraction)}</td>
              <td title={run.heldOutStep === null ? undefined : `success rate after step ${run.heldOutStep}; progress reward ${formatShare(run.heldOutProgress)}`}>
                {formatShare(run.heldOutScore, 1)}
              </td>
              <td className={styles.small}>{new Date(run.createdAt).toLocaleString()}</td>
              <td className={styles.small} data-testid="run-ended">
                {run.finishedAt ? new Date(run.finishedAt).toLocaleString() : run.startedAt ? "running" : "not started"}
                <div>{formatDuration(runDurationSeconds(run))}</div>
              </td>
              <td>
                <RunActions run={run} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
