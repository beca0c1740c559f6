"use client";
// Where a task comes from and what came of it: ancestors down to the task, its descendants as a tree, each node
// with origin, status, review state and the region of its latest statistic; then the task beside its seed.
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTRPC } from "@/components/trpc-provider";
import styles from "@/components/ui/dashboard.module.css";
import { RegionChip } from "@/components/ui/region-chip";
import { ErrorState, Loading } from "@/components/ui/states";
import { TaskSideBySide } from "@/components/ui/task-side-by-side";
import type { AppRouter } from "@/server/api/root";

type Lineage = inferRouterOutputs<AppRouter>["lineage"]["get"];
type Node = Lineage["self"];
type TreeNode = Lineage["descendants"][number];

function NodeLabel({ node, isCurrent = false }: { node: Node; isCurrent?: boolean }) {
  return (
    <span className={isCurrent ? styles.current : undefined} aria-current={isCurrent ? "page" : undefined}>
      {isCurrent ? node.externalId : <Link href={`/tasks/${node.id}`}>{node.externalId}</Link>} <span className="chip">{node.origin}</span>
      {node.status === "retired" ? <span className="chip warn">retired</span> : null}
      {node.reviewState !== "none" ? <span className={`chip${node.reviewState === "rejected" ? " warn" : node.reviewState === "approved" ? " ok" : ""}`}>{node.reviewState}</span> : null}
      {node.latest ? (
        <>
          <RegionChip region={node.latest.region} title={`${node.latest.runName}, step ${node.latest.stepIndex + 1}`} />
          <span className="muted" style={{ fontSize: 12 }}>
            r̄ {node.latest.mean.toFixed(2)} at step {node.latest.stepIndex + 1} of {node.latest.runName}
          </span>
        </>
      ) : (
        <span className="muted" style={{ fontSize: 12 }}>
          {" "}
          not rolled out yet
        </span>
      )}
    </span>
  );
}

function Subtree({ nodes }: { nodes: TreeNode[] }) {
  if (nodes.length === 0) return null;
  return (
    <ul className={styles.tree}>
      {nodes.map((n) => (
        <li key={n.id} className={styles.treeNode}>
          <NodeLabel node={n} />
          <Subtree nodes={n.children} />
        </li>
      ))}
    </ul>
  );
}

/** The chain from the oldest ancestor to the task, with the task's descendants hanging below it. */
function LineageTree({ lineage }: { lineage: Lineage }) {
  const chain = [...lineage.ancestors, lineage.self];
  const render = (i: number): React.ReactNode => {
    const node = chain[i]!;
    const isSelf = i === chain.length - 1;
    return (
      <li className={styles.treeNode}>
        <NodeLabel node={node} isCurrent={isSelf} />
        {isSelf ? <Subtree nodes={lineage.descendants} /> : <ul className={styles.tree}>{render(i + 1)}</ul>}
      </li>
    );
  };
  return (
    <>
      <ul className={styles.treeRoot} aria-label="Lineage tree">
        {render(0)}
      </ul>
      <p className="muted" style={{ fontSize: 12 }}>
        {lineage.ancestors.length === 0 ? "No ancestors: this task is a root. " : `${lineage.ancestors.length} ancestor${lineage.ancestors.length === 1 ? "" : "s"}. `}
        {lineage.descendantCount === 0 ? "Nothing was synthesized from it yet." : `${lineage.descendantCount} descendant${lineage.descendantCount === 1 ? "" : "s"}.`}
        {lineage.isTruncated ? " Only the first descendants are shown." : ""}
      </p>
    </>
  );
}

export function TaskLineage({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const lineage = useQuery(trpc.lineage.get.queryOptions({ taskId }));
  const comparison = useQuery(trpc.lineage.seedComparison.queryOptions({ taskId }));
  return (
    <>
      <section className="card" aria-label="Lineage">
        <h2 style={{ marginTop: 0 }}>Lineage</h2>
        {lineage.isPending ? (
          <Loading label="Loading the lineage…" />
        ) : lineage.isError ? (
          <ErrorState title="Could not load the lineage" message={lineage.error.message} onRetry={() => void lineage.refetch()} />
        ) : (
          <LineageTree lineage={lineage.data} />
        )}
      </section>
      {comparison.isError ? (
        <ErrorState title="Could not load the seed for comparison" message={comparison.error.message} />
      ) : comparison.data ? (
        <section className="card" aria-label="Seed and variant side by side">
          <h2 style={{ marginTop: 0 }}>Seed and variant</h2>
          <TaskSideBySide seed={comparison.data.seed} variant={comparison.data.variant} />
        </section>
      ) : null}
    </>
  );
}
