"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";

const PAGE_SIZE = 50;
const SPLITS = ["train", "test", "none"] as const;
const ORIGINS = ["seed", "synthesized", "imported"] as const;
const SORTS = ["natural", "created", "mean", "phi"] as const;
const SORT_LABELS: Record<(typeof SORTS)[number], string> = { natural: "Id (natural order)", created: "Created", mean: "Last r̄ (needs a run)", phi: "Last φ (needs a run)" };
type Sort = (typeof SORTS)[number];
type Split = (typeof SPLITS)[number];
type Origin = (typeof ORIGINS)[number];

function oneOf<T extends string>(values: readonly T[], v: string | null): T | undefined {
  return values.includes(v as T) ? (v as T) : undefined;
}

export function TaskList() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filter = {
    category: params.get("category") ?? undefined,
    split: oneOf<Split>(SPLITS, params.get("split")),
    apiClass: params.get("class") ?? undefined,
    origin: oneOf<Origin>(ORIGINS, params.get("origin")),
    search: params.get("q") || undefined,
  };
  const runId = params.get("run") || undefined;
  const requestedSort = oneOf<Sort>(SORTS, params.get("sort")) ?? "natural";
  // r̄ and φ exist only within a run; without one the list falls back to natural order.
  const sort: Sort = !runId && (requestedSort === "mean" || requestedSort === "phi") ? "natural" : requestedSort;
  const dir = params.get("dir") === "desc" ? "desc" : "asc";
  const [searchText, setSearchText] = useState(filter.search ?? "");
  const page = Math.max(1, Number(params.get("page")) || 1);

  const importStatus = useQuery({
    ...trpc.tasks.importStatus.queryOptions(),
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1_500 : false),
  });
  const isImporting = importStatus.data?.status === "running";
  const runs = useQuery(trpc.runs.list.queryOptions({ limit: 100 }));
  const counts = useQuery({ ...trpc.tasks.counts.queryOptions({}), refetchInterval: isImporting ? 1_500 : false });
  const list = useQuery({
    ...trpc.tasks.list.queryOptions({ filter, page, pageSize: PAGE_SIZE, runId, sort, dir }),
    placeholderData: keepPreviousData,
    refetchInterval: isImporting ? 1_500 : false,
  });

  function setParam(key: string, value: string | undefined) {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "page") next.delete("page");
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  }

  const c = counts.data;
  return (
    <>
      {isImporting && importStatus.data ? (
        <div className="banner" role="status">
          Importing tasks from {importStatus.data.source}: {importStatus.data.done} of {importStatus.data.total || "…"}
        </div>
      ) : null}
      {importStatus.data?.status === "failed" ? (
        <ErrorState title="The last import failed; nothing from it was saved" message={importStatus.data.error ?? "unknown error"} />
      ) : null}
      <div className="filters" role="search">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setParam("q", searchText.trim() || undefined);
          }}
        >
          <label>
            Search
            <input
              type="search"
              aria-label="Search tasks"
              placeholder="id or words of the user text"
              maxLength={200}
              value={searchText}
              onChange={(e) => setSearchText(e.target.value.replace(/\u0000/g, ""))}
            />
          </label>
          <button type="submit">Search</button>
        </form>
        <label>
          Run
          <select aria-label="Run" value={runId ?? ""} onChange={(e) => setParam("run", e.target.value || undefined)}>
            <option value="">All tasks (no run)</option>
            {(runs.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.status})
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select aria-label="Sort by" value={sort} onChange={(e) => setParam("sort", e.target.value === "natural" ? undefined : e.target.value)}>
            {SORTS.map((s) => (
              <option key={s} value={s} disabled={!runId && (s === "mean" || s === "phi")}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select aria-label="Order" value={dir} onChange={(e) => setParam("dir", e.target.value === "asc" ? undefined : e.target.value)}>
            <option value="asc">ascending</option>
            <option value="desc">descending</option>
          </select>
        </label>
        <label>
          Category
          <select aria-label="Category" value={filter.category ?? ""} onChange={(e) => setParam("category", e.target.value || undefined)}>
            <option value="">All</option>
            {Object.keys(c?.byCategory ?? {}).map((k) => (
              <option key={k} value={k}>
                {k} ({c!.byCategory[k]})
              </option>
            ))}
          </select>
        </label>
        <label>
          Split
          <select aria-label="Split" value={filter.split ?? ""} onChange={(e) => setParam("split", e.target.value || undefined)}>
            <option value="">All</option>
            {SPLITS.filter((s) => c?.bySplit[s]).map((s) => (
              <option key={s} value={s}>
                {s} ({c!.bySplit[s]})
              </option>
            ))}
          </select>
        </label>
        <label>
          API class
          <select aria-label="API class" value={filter.apiClass ?? ""} onChange={(e) => setParam("class", e.target.value || undefined)}>
            <option value="">All</option>
            {Object.keys(c?.byClass ?? {}).map((k) => (
              <option key={k} value={k}>
                {k} ({c!.byClass[k]})
              </option>
            ))}
          </select>
        </label>
        <label>
          Origin
          <select aria-label="Origin" value={filter.origin ?? ""} onChange={(e) => setParam("origin", e.target.value || undefined)}>
            <option value="">All</option>
            {ORIGINS.map((o) => (
              <option key={o} value={o}>
                {o} ({c?.byOrigin[o] ?? 0})
              </option>
            ))}
          </select>
        </label>
      </div>
      {c ? (
        <div className="counts" aria-label="Task counts">
          <span>{c.total} tasks in all</span>
          {Object.entries(c.bySplit).map(([k, v]) => (
            <span key={k} className="chip">
              {k}: {v}
            </span>
          ))}
          {Object.entries(c.byCategory).map(([k, v]) => (
            <span key={k} className="chip">
              {k}: {v}
            </span>
          ))}
        </div>
      ) : null}
      {list.isPending ? (
        <Loading label="Loading tasks…" />
      ) : list.isError ? (
        <ErrorState title="Could not load tasks" message={list.error.message} onRetry={() => void list.refetch()} />
      ) : list.data.total === 0 ? (
        c?.total === 0 ? (
          <EmptyState title="No tasks yet">
            {isImporting ? "The BFCL seed import is running." : <>Import a folder with <code>npm run rods -- import &lt;dir&gt;</code>.</>}
          </EmptyState>
        ) : (
          <EmptyState title="No task matches these filters">
            <button
              type="button"
              onClick={() => {
                setSearchText("");
                router.replace(pathname);
              }}
            >
              Clear filters
            </button>
          </EmptyState>
        )
      ) : (
        <>
          <p className="muted" aria-live="polite" data-testid="match-count">
            {list.data.total} matching tasks
          </p>
          <table aria-label="Tasks">
            <thead>
              <tr>
                <th>Task</th>
                <th>Category</th>
                <th>Split</th>
                <th>API classes</th>
                <th>Turns</th>
                <th>Origin</th>
                <th>Ground truth</th>
                <th>Review</th>
                {runId ? (
                  <>
                    <th>Pool state</th>
                    <th>Last r̄</th>
                    <th>Last φ</th>
                  </>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link href={`/tasks/${t.id}`} title={t.externalId}>
                      {t.shortName}
                    </Link>
                    {t.shortName !== t.externalId ? (
                      <button
                        type="button"
                        aria-label={`Copy full id ${t.externalId}`}
                        title="Copy the full id"
                        onClick={() => void navigator.clipboard?.writeText(t.externalId)}
                      >
                        copy
                      </button>
                    ) : null}
                  </td>
                  <td>{t.category}</td>
                  <td>{t.split}</td>
                  <td>
                    {t.involvedClasses.map((k) => (
                      <span key={k} className="chip">
                        {k}
                      </span>
                    ))}
                  </td>
                  <td>{t.numTurns}</td>
                  <td>{t.origin}</td>
                  <td>
                    {t.gtReplayOk === null ? (
                      <span className="muted">not checked</span>
                    ) : t.gtReplayOk ? (
                      <span className="chip ok">replays</span>
                    ) : (
                      <span className="chip warn">defect</span>
                    )}
                  </td>
                  <td>{t.reviewState === "none" ? <span className="muted">—</span> : t.reviewState}</td>
                  {runId ? (
                    <>
                      <td>{t.poolState ?? <span className="muted">not in pool</span>}</td>
                      <td title={t.lastStep === null ? "not rolled out in this run yet" : `at step ${t.lastStep + 1}`}>
                        {t.lastMean === null ? <span className="muted">—</span> : t.lastMean.toFixed(2)}
                      </td>
                      <td>{t.lastPhi === null ? <span className="muted">—</span> : t.lastPhi.toFixed(3)}</td>
                    </>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            <button type="button" disabled={page <= 1} onClick={() => setParam("page", String(page - 1))}>
              Previous
            </button>
            <span>
              Page {list.data.page} of {list.data.pageCount}
            </span>
            <button type="button" disabled={page >= list.data.pageCount} onClick={() => setParam("page", String(page + 1))}>
              Next
            </button>
          </nav>
        </>
      )}
    </>
  );
}
