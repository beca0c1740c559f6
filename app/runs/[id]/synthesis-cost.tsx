"use client";
// What synthesis cost beside the training rollouts: model tokens, job wall time and worker CPU, each as a share.
import { useQuery } from "@tanstack/react-query";
import { prepareCost } from "@/components/charts/prepare-cost";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState, Loading } from "@/components/ui/states";
import styles from "../runs.module.css";

export function SynthesisCost({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const costs = useQuery(trpc.runs.costs.queryOptions({ ids: [runId] }));
  const cost = costs.data?.[0];
  const prepared = cost ? prepareCost(cost) : null;
  return (
    <section aria-label="What synthesis costs" data-testid="synthesis-cost">
      <div className={styles.sectionHead}>
        <h2>What synthesis costs</h2>
        {prepared ? (
          <span data-testid="synthesis-cost-share">
            synthesis cost share: <strong>{prepared.headline}</strong>
          </span>
        ) : null}
      </div>
      {costs.isPending ? (
        <Loading label="Loading the costs…" />
      ) : costs.isError ? (
        <ErrorState title="Could not load the costs" message={costs.error.message} onRetry={() => void costs.refetch()} />
      ) : cost && prepared ? (
        <div className="card">
          <table aria-label="Synthesis against training rollouts">
            <thead>
              <tr>
                <th scope="col">Cost</th>
                <th scope="col">Synthesis ({cost.attempts} attempts)</th>
                <th scope="col">Training rollouts ({cost.rolloutCount})</th>
                <th scope="col">Synthesis share</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {prepared.rows.map((r) => (
                <tr key={r.metric} data-testid={`cost-${r.metric}`}>
                  <th scope="row" style={{ fontWeight: r.isHeadline ? 700 : 400 }}>
                    {r.label}
                    {r.isHeadline ? " (headline)" : ""}
                  </th>
                  <td>{r.synthesis}</td>
                  <td>{r.rollouts}</td>
                  <td>{r.share}</td>
                  <td className="muted">{r.note ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className={styles.small} style={{ marginBottom: 0 }}>
            Headline: {cost.basisText}. Each share is Σ synthesis / (Σ synthesis + Σ rollouts), over all of the run&apos;s synthesis attempts and the rollouts of its finished steps. Wall time is the
            jobs&apos; own time (a rollout group&apos;s, a synthesis attempt&apos;s); worker CPU is the worker&apos;s CPU time while a job ran, split evenly
            among the jobs running at the same moment. The policy&apos;s update and held-out evaluation are in neither column.
          </p>
        </div>
      ) : null}
    </section>
  );
}
