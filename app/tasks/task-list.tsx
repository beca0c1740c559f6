"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";

const PAGE_SIZE = 50;
const SPLITS = ["train", "test", "none"] as const;
const ORIGINS = ["seed", "synthesized", "imported"] as const;
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
  };
  const page = Math.max(1, Number(params.get("page")) || 1);

  const importStatus = useQuery({
    ...trpc.tasks.importStatus.queryOptions(),
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1_500 : false),
  });
  const isImporting = importStatus.data?.status === "running";
  const counts = useQuery({ ...trpc.tasks.counts.queryOptions({}), refetchInterval: isImporting ? 1_500 : false });
  const list = useQuery({
    ...trpc.tasks.list.queryOptions({ filter, page, pageSize: PAGE_SIZE }),
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
            <button type="button" onClick={() => router.replace(pathname)}>
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
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link href={`/tasks/${t.id}`}>{t.externalId}</Link>
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
