"use client";
// The review queue: pending synthesized tasks on the left, the current one beside its seed on the right, with
// approve, reject (reason required), edit (re-validated on the server), bulk approve and keyboard shortcuts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc-provider";
import { GateResults } from "@/components/ui/gate-results";
import { ReviewHistory } from "@/components/ui/review-history";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { TaskSideBySide } from "@/components/ui/task-side-by-side";
import keyStyles from "@/components/ui/dashboard.module.css";
import type { AppRouter } from "@/server/api/root";
import styles from "./review.module.css";

type Item = inferRouterOutputs<AppRouter>["review"]["list"]["items"][number];
type Mode = "view" | "reject" | "edit";

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

function textsOf(item: Item): string[] {
  return item.task.turns.map((messages) => messages.map((m) => m.content).join("\n"));
}

export function ReviewQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const runId = params.get("run") || undefined;
  const category = params.get("category") || undefined;
  const router = useRouter();
  const runs = useQuery(trpc.runs.list.queryOptions({ limit: 100 }));
  const taskCounts = useQuery(trpc.tasks.counts.queryOptions({}));
  function setFilter(key: "run" | "category", value: string) {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    router.replace(`/review?${next.toString()}`, { scroll: false });
  }

  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  // Live: a running synthesis keeps adding tasks; the current task is tracked by id, so it stays put.
  const list = useQuery({ ...trpc.review.list.queryOptions({ runId, category, limit: 100 }), refetchInterval: 5_000 });
  const counts = useQuery({ ...trpc.review.counts.queryOptions({ runId, category }), refetchInterval: 5_000 });

  const [currentId, setCurrentId] = useState<string | null>(null);
  /** position of the current task, so that after a decision the next one in line takes its place */
  const [index, setIndex] = useState(0);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<Mode>("view");
  const [reason, setReason] = useState("");
  const [texts, setTexts] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const firstTurnRef = useRef<HTMLTextAreaElement>(null);

  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const byId = items.findIndex((i) => i.task.id === currentId);
  const position = byId >= 0 ? byId : Math.min(index, Math.max(0, items.length - 1));
  const current: Item | undefined = items[position];
  const isSignedIn = Boolean(me.data);

  // When the current task leaves the queue (decided), the one now at its position becomes current.
  useEffect(() => {
    if (current && current.task.id !== currentId) setCurrentId(current.task.id);
    if (position !== index) setIndex(position);
  }, [current, currentId, position, index]);
  useEffect(() => {
    setChecked((prev) => new Set([...prev].filter((id) => items.some((i) => i.task.id === id))));
  }, [items]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.review.pathKey() });
  const done = (message: string) => {
    setNotice(message);
    setMode("view");
    setFormError(null);
    setReason("");
    void refresh();
  };
  const onError = (e: { message: string }) => setFormError(e.message);

  const approve = useMutation(trpc.review.approve.mutationOptions({ onSuccess: (_r, v) => done(`Approved ${externalIdOf(v.taskId)}.`), onError }));
  const reject = useMutation(trpc.review.reject.mutationOptions({ onSuccess: (_r, v) => done(`Rejected ${externalIdOf(v.taskId)}.`), onError }));
  const edit = useMutation(trpc.review.edit.mutationOptions({ onSuccess: (_r, v) => done(`Saved the edit of ${externalIdOf(v.taskId)}; it still awaits a decision.`), onError }));
  const bulk = useMutation(
    trpc.review.bulkApprove.mutationOptions({
      onSuccess: (r) => {
        setChecked(new Set());
        done(`Approved ${r.approved.length} task${r.approved.length === 1 ? "" : "s"}${r.skipped.length ? `; ${r.skipped.length} had already been decided` : ""}.`);
      },
      onError,
    }),
  );
  const isBusy = approve.isPending || reject.isPending || edit.isPending || bulk.isPending;

  function externalIdOf(taskId: string): string {
    return items.find((i) => i.task.id === taskId)?.task.externalId ?? "the task";
  }

  const startReject = useCallback(() => {
    setMode("reject");
    setFormError(null);
    setTimeout(() => reasonRef.current?.focus(), 0);
  }, []);
  const startEdit = useCallback(() => {
    if (!current) return;
    setTexts(textsOf(current));
    setMode("edit");
    setFormError(null);
    setTimeout(() => firstTurnRef.current?.focus(), 0);
  }, [current]);
  const select = useCallback(
    (i: number) => {
      const item = items[Math.max(0, Math.min(items.length - 1, i))];
      if (!item) return;
      setCurrentId(item.task.id);
      setIndex(items.indexOf(item));
      setMode("view");
      setFormError(null);
    },
    [items],
  );
  const move = useCallback((delta: number) => select(position + delta), [select, position]);
  const toggle = (id: string) =>
    setChecked((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // Shortcuts, read through a ref so the listener is added once and always sees the current state.
  const keyState = useRef({ current, isSignedIn, isBusy, mode, move, startEdit, startReject, approve: approve.mutate });
  keyState.current = { current, isSignedIn, isBusy, mode, move, startEdit, startReject, approve: approve.mutate };
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const s = keyState.current;
      if (e.key === "Escape" && s.mode !== "view") {
        setMode("view");
        setFormError(null);
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (e.key === "j") s.move(1);
      else if (e.key === "k") s.move(-1);
      else if (!s.current || !s.isSignedIn || s.isBusy) return;
      else if (e.key === "a") s.approve({ taskId: s.current.task.id });
      else if (e.key === "r") s.startReject();
      else if (e.key === "e") s.startEdit();
      else if (e.key === "x") toggle(s.current.task.id);
      else return;
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  function onReject(event: FormEvent) {
    event.preventDefault();
    if (!current) return;
    if (!reason.trim()) {
      setFormError("Give a reason for rejecting the task; it is kept in the task's history.");
      return;
    }
    reject.mutate({ taskId: current.task.id, reason });
  }

  function onEdit(event: FormEvent) {
    event.preventDefault();
    if (current) edit.mutate({ taskId: current.task.id, texts });
  }

  const c = counts.data;
  return (
    <>
      <div className={styles.countsBar} aria-label="Review counts" role="group">
        {c ? (
          <>
            <span data-testid="count-pending">
              Pending <strong>{c.pending}</strong>
            </span>
            <span data-testid="count-approved">
              Approved <strong>{c.approved}</strong>
            </span>
            <span data-testid="count-rejected">
              Rejected <strong>{c.rejected}</strong>
            </span>
            <span className="muted" data-testid="count-waiting">
              approved, waiting for injection at the next epoch: {c.approvedWaitingForInjection}
            </span>
          </>
        ) : counts.isError ? (
          <span className="muted">Counts unavailable: {counts.error.message}</span>
        ) : (
          <span className="muted">Counting…</span>
        )}
      </div>
      <div className="filters" role="search" aria-label="Review filters">
        <label>
          Run
          <select aria-label="Run" value={runId ?? ""} onChange={(e) => setFilter("run", e.target.value)}>
            <option value="">All runs</option>
            {(runs.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.status})
              </option>
            ))}
            {runId && runs.data && !runs.data.some((r) => r.id === runId) ? <option value={runId}>run {runId}</option> : null}
          </select>
        </label>
        <label>
          Category
          <select aria-label="Category" value={category ?? ""} onChange={(e) => setFilter("category", e.target.value)}>
            <option value="">All categories</option>
            {Object.keys(taskCounts.data?.byCategory ?? {}).map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className={`muted ${keyStyles.keys}`} aria-label="Keyboard shortcuts">
        Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>e</kbd> edit · <kbd>x</kbd> select for bulk
        approve · <kbd>Esc</kbd> cancel
      </p>
      {me.isSuccess && !isSignedIn ? (
        <div className="banner" role="status">
          You can look at the queue; <Link href="/sign-in?next=/review">sign in</Link> to approve, reject or edit.
        </div>
      ) : null}
      <p role="status" aria-live="polite" className="muted" data-testid="review-notice">
        {notice}
      </p>
      {list.isPending ? (
        <Loading label="Loading the review queue…" />
      ) : list.isError ? (
        <ErrorState title="Could not load the review queue" message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing to review">
          Tasks synthesized in runs with manual review (<code>reviewPolicy: manual</code>) wait here for a decision.{" "}
          <Link href="/experiments/new">Start an experiment</Link>.
        </EmptyState>
      ) : (
        <div className={styles.layout}>
          <div>
            <div className={styles.toolbar}>
              <label>
                <input
                  type="checkbox"
                  aria-label="Select all pending tasks"
                  checked={checked.size > 0 && checked.size === items.length}
                  onChange={(e) => setChecked(e.target.checked ? new Set(items.map((i) => i.task.id)) : new Set())}
                />{" "}
                all
              </label>
              <button type="button" disabled={!isSignedIn || checked.size === 0 || isBusy} onClick={() => bulk.mutate({ taskIds: [...checked] })}>
                Approve selected ({checked.size})
              </button>
            </div>
            <ul className={styles.queue} aria-label="Pending tasks">
              {items.map((item, i) => (
                <li key={item.task.id} data-current={item === current}>
                  <input type="checkbox" aria-label={`Select ${item.task.externalId}`} checked={checked.has(item.task.id)} onChange={() => toggle(item.task.id)} />
                  <button
                    type="button"
                    className={styles.rowButton}
                    aria-current={item === current ? "true" : undefined}
                    onClick={() => select(i)}
                  >
                    <span>{item.task.externalId}</span>
                    <span className="muted">
                      {item.task.category} · {item.task.numTurns} turns{item.history.length ? ` · ${item.history.length} edit${item.history.length === 1 ? "" : "s"}` : ""}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {list.data.total > items.length ? (
              <p className="muted" style={{ fontSize: 12 }}>
                Showing the oldest {items.length} of {list.data.total}; decide these to see more.
              </p>
            ) : null}
          </div>
          {current ? (
            <section aria-label="Task under review" className="card">
              <h2 style={{ marginTop: 0 }}>
                <Link href={`/tasks/${current.task.id}`}>{current.task.externalId}</Link>
              </h2>
              <div>
                <span className="chip">{current.task.category}</span>
                <span className="chip">{current.task.numTurns} turns</span>
                {current.attempt ? (
                  <>
                    <span className="chip">{current.attempt.backend} synthesizer</span>
                    {current.attempt.runId ? (
                      <span className="chip">
                        run <Link href={`/runs/${current.attempt.runId}`}>{current.attempt.runName ?? current.attempt.runId}</Link>
                        {current.attempt.stepIndex !== null ? `, step ${current.attempt.stepIndex + 1}` : ""}
                      </span>
                    ) : null}
                  </>
                ) : null}
                {current.attempt?.configPatches.length ? (
                  <span className="chip" title={current.attempt.configPatches.map((p) => `${p.className}.${p.field}: ${p.reason}`).join("\n")}>
                    {current.attempt.configPatches.length} config patch{current.attempt.configPatches.length === 1 ? "" : "es"}
                  </span>
                ) : null}
              </div>
              {current.attempt?.runStatus && ["completed", "failed", "cancelled"].includes(current.attempt.runStatus) ? (
                <div className="banner" role="status" data-testid="run-finished-note">
                  Run {current.attempt.runName ?? current.attempt.runId} has {current.attempt.runStatus === "completed" ? "finished" : `ended (${current.attempt.runStatus})`}: approving
                  keeps this task (in the run&apos;s exports and for later runs that pick it up) but it will not be trained on in that run.
                </div>
              ) : null}
              <h3 style={{ fontSize: 14, marginBottom: 2 }}>Checks</h3>
              <GateResults gates={current.attempt?.gateResults ?? []} verdict={current.attempt?.judgeVerdict ?? null} />
              <div className={styles.toolbar} role="toolbar" aria-label="Decision">
                <button type="button" className={styles.primary} disabled={!isSignedIn || isBusy} onClick={() => approve.mutate({ taskId: current.task.id })}>
                  Approve
                </button>
                <button type="button" className={styles.danger} disabled={!isSignedIn || isBusy} onClick={startReject}>
                  Reject…
                </button>
                <button type="button" disabled={!isSignedIn || isBusy} onClick={startEdit}>
                  Edit user turns…
                </button>
              </div>
              {formError && mode === "view" ? <ErrorState title="That did not work" message={formError} /> : null}
              {mode === "reject" ? (
                <form className={styles.form} aria-label="Reject task" onSubmit={onReject} noValidate>
                  <label>
                    Reason (required, kept in the task&apos;s history)
                    <textarea ref={reasonRef} rows={2} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
                  </label>
                  {formError ? <ErrorState title="Not rejected" message={formError} /> : null}
                  <div className={styles.toolbar}>
                    <button type="submit" className={styles.danger} disabled={isBusy}>
                      Reject task
                    </button>
                    <button type="button" onClick={() => setMode("view")}>
                      Cancel
                    </button>
                  </div>
                </form>
              ) : null}
              {mode === "edit" ? (
                <form className={styles.form} aria-label="Edit user turns" onSubmit={onEdit} noValidate>
                  <p className="muted" style={{ margin: 0, fontSize: 13 }}>
                    The edit is checked like a synthesized task (no tool or parameter names, every turn has text, the values the calls need stay
                    stated); nothing is saved when a check fails.
                  </p>
                  {texts.map((text, t) =>
                    String(t) in current.task.missedFunctions ? (
                      <p key={t} className="muted" style={{ margin: 0 }}>
                        Turn {t + 1}: releases held-back functions; no user message.
                      </p>
                    ) : (
                      <label key={t}>
                        Turn {t + 1}
                        <textarea
                          ref={t === 0 ? firstTurnRef : undefined}
                          rows={3}
                          value={text}
                          onChange={(e) => setTexts((prev) => prev.map((x, i) => (i === t ? e.target.value : x)))}
                        />
                      </label>
                    ),
                  )}
                  {formError ? <ErrorState title="The edit was not saved" message={formError} /> : null}
                  <div className={styles.toolbar}>
                    <button type="submit" className={styles.primary} disabled={isBusy}>
                      Save edit
                    </button>
                    <button type="button" onClick={() => setMode("view")}>
                      Cancel
                    </button>
                  </div>
                </form>
              ) : null}
              <h3 style={{ fontSize: 14 }}>Seed and variant</h3>
              {current.seed ? (
                <TaskSideBySide seed={current.seed} variant={current.task} />
              ) : (
                <p className="muted">The seed of this task is no longer stored.</p>
              )}
              <h3 style={{ fontSize: 14 }}>History</h3>
              <ReviewHistory reviews={current.history} />
            </section>
          ) : null}
        </div>
      )}
    </>
  );
}
