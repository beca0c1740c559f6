"use client";
// Any stored rollout of this task: pick run, step and sample; see the conversation (user, assistant, tool calls
// with arguments, tool results) with state_ok and exec_ok per turn and the reward. Infrastructure failures are
// shown as such: they were never scored.
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useTRPC } from "@/components/trpc-provider";
import styles from "@/components/ui/dashboard.module.css";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";

type Rollout = inferRouterOutputs<AppRouter>["lineage"]["rollout"];
type Entry = Rollout["entries"][number];
type TurnResult = Rollout["turnResults"][number];

function Verdict({ result, turn }: { result: TurnResult | undefined; turn: number }) {
  if (!result) return <span className="muted">no verdict</span>;
  return (
    <span aria-label={`Turn ${turn} verdict`}>
      <span className={`chip ${result.stateOk ? "ok" : "warn"}`}>state_ok {result.stateOk ? "✓" : "✗"}</span>
      <span className={`chip ${result.execOk ? "ok" : "warn"}`}>exec_ok {result.execOk ? "✓" : "✗"}</span>
      {result.reason ? <span className="muted" style={{ fontWeight: 400 }}>{result.reason}</span> : null}
    </span>
  );
}

function Message({ entry }: { entry: Entry }) {
  switch (entry.kind) {
    case "user":
      return (
        <div className={`${styles.msg} ${styles.msgUser}`}>
          <span className={styles.msgLabel}>User</span>
          {entry.text}
        </div>
      );
    case "system":
      return (
        <div className={`${styles.msg} ${styles.msgSystem}`}>
          <span className={styles.msgLabel}>System</span>
          {entry.text}
        </div>
      );
    case "assistant":
      return (
        <div className={`${styles.msg} ${styles.msgAssistant}`}>
          <span className={styles.msgLabel}>Assistant</span>
          {entry.text ? <div>{entry.text}</div> : null}
          {entry.toolCalls.map((c, i) => (
            <div key={c.id ?? i} aria-label={`Tool call ${c.name}`}>
              <span className={styles.msgLabel}>Tool call</span>
              <code>{c.name}</code>
              <pre style={{ margin: "2px 0", maxHeight: 200 }}>{c.arguments}</pre>
            </div>
          ))}
          {!entry.text && entry.toolCalls.length === 0 ? <span className="muted">(empty answer)</span> : null}
        </div>
      );
    case "tool":
      return (
        <div className={`${styles.msg} ${styles.msgTool}`}>
          <span className={styles.msgLabel}>Result{entry.toolName ? ` of ${entry.toolName}` : ""}</span>
          {entry.text}
        </div>
      );
    default:
      return (
        <div className={`${styles.msg} ${styles.msgSystem}`}>
          <span className={styles.msgLabel}>Unreadable message</span>
          {entry.text}
        </div>
      );
  }
}

/** The conversation with a verdict line before each user turn; turns the model never reached are listed after. */
function Conversation({ rollout }: { rollout: Rollout }) {
  let turn = -1;
  const userTurns = rollout.entries.filter((e) => e.kind === "user").length;
  return (
    <div className={styles.conversation} aria-label="Conversation">
      {rollout.entries.map((entry, i) => {
        if (entry.kind !== "user") return <Message key={i} entry={entry} />;
        turn++;
        return (
          <div key={i}>
            <div className={styles.turnHead}>
              Turn {turn + 1} {rollout.infraError ? null : <Verdict result={rollout.turnResults[turn]} turn={turn + 1} />}
            </div>
            <Message entry={entry} />
          </div>
        );
      })}
      {rollout.turnResults.slice(userTurns).map((r, j) => (
        <div key={`unreached-${j}`} className={styles.turnHead}>
          Turn {userTurns + j + 1}: not reached <Verdict result={r} turn={userTurns + j + 1} />
        </div>
      ))}
    </div>
  );
}

export function TrajectoryViewer({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const index = useQuery(trpc.lineage.rollouts.queryOptions({ taskId }));
  const [runId, setRunId] = useState<string>("");
  const [stepIndex, setStepIndex] = useState<number | null>(null);
  const [sample, setSample] = useState(0);

  const runs = index.data ?? [];
  const run = runs.find((r) => r.runId === runId) ?? runs[runs.length - 1];
  const step = run?.steps.find((s) => s.stepIndex === stepIndex) ?? run?.steps[run.steps.length - 1];
  // Default: the newest run's latest step, first sample.
  useEffect(() => {
    if (run && run.runId !== runId) setRunId(run.runId);
  }, [run, runId]);

  const rollout = useQuery({
    ...trpc.lineage.rollout.queryOptions({ taskId, runId: run?.runId ?? "", stepIndex: step?.stepIndex ?? 0, sample }),
    enabled: Boolean(run && step),
    retry: false,
  });

  return (
    <section className="card" aria-label="Trajectory viewer">
      <h2 style={{ marginTop: 0 }}>Trajectories</h2>
      {index.isPending ? (
        <Loading label="Loading the rollouts of this task…" />
      ) : index.isError ? (
        <ErrorState title="Could not load the rollouts" message={index.error.message} onRetry={() => void index.refetch()} />
      ) : runs.length === 0 || !run || !step ? (
        <EmptyState title="No rollouts stored">This task has not been rolled out in any run yet.</EmptyState>
      ) : (
        <>
          <div className="filters">
            <label>
              Run
              <select
                aria-label="Run"
                value={run.runId}
                onChange={(e) => {
                  setRunId(e.target.value);
                  setStepIndex(null);
                  setSample(0);
                }}
              >
                {runs.map((r) => (
                  <option key={r.runId} value={r.runId}>
                    {r.runName}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Step
              <select
                aria-label="Step"
                value={step.stepIndex}
                onChange={(e) => {
                  setStepIndex(Number(e.target.value));
                  setSample(0);
                }}
              >
                {run.steps.map((s) => (
                  <option key={s.stepIndex} value={s.stepIndex}>
                    step {s.stepIndex + 1} · {s.rollouts} rollouts · mean {s.meanReward === null ? "–" : s.meanReward.toFixed(2)}
                    {s.infraFailures ? ` · ${s.infraFailures} infra failures` : ""}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Sample
              <select aria-label="Sample" value={sample} onChange={(e) => setSample(Number(e.target.value))}>
                {step.samples.map((s) => (
                  <option key={s.sample} value={s.sample}>
                    {s.sample} · {s.infraFailure ? "infra failure" : s.reward === null ? "no reward" : `reward ${s.reward.toFixed(2)}`}
                  </option>
                ))}
              </select>
            </label>
            <Link href={`/runs/${run.runId}`} style={{ alignSelf: "center" }}>
              Open the run
            </Link>
          </div>
          {rollout.isPending ? (
            <Loading label="Loading the trajectory…" />
          ) : rollout.isError ? (
            <ErrorState title="Could not load this rollout" message={rollout.error.message} />
          ) : (
            <>
              <div aria-label="Rollout summary" role="group" style={{ marginBottom: 8 }}>
                {rollout.data.infraError ? (
                  <div className="state state-error" role="alert">
                    <strong>Infrastructure failure: this rollout was not scored</strong>
                    <div>{rollout.data.infraError}</div>
                    <div className="muted">It is excluded from the task&apos;s reward statistics (never counted as reward 0).</div>
                  </div>
                ) : (
                  <>
                    <span className="chip">reward R_P {rollout.data.reward === null ? "–" : rollout.data.reward.toFixed(3)}</span>
                    <span className={`chip ${rollout.data.success ? "ok" : "warn"}`}>{rollout.data.success ? "success" : "not all turns ok"}</span>
                    {rollout.data.advantage !== null ? <span className="chip">advantage {rollout.data.advantage.toFixed(3)}</span> : null}
                  </>
                )}
                <span className="chip">policy v{rollout.data.policyVersion}</span>
                <span className="chip" title={rollout.data.areTokensEstimated ? "the simulated learner counts tokens as characters ÷ 4, not with a tokenizer" : undefined}>
                  tokens {rollout.data.tokensIn} in / {rollout.data.tokensOut} out{rollout.data.areTokensEstimated ? " (estimated)" : ""}
                </span>
                <span className="chip">{rollout.data.latencyMs} ms</span>
              </div>
              <Conversation rollout={rollout.data} />
            </>
          )}
        </>
      )}
    </section>
  );
}
