"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState, Loading } from "@/components/ui/states";
import { TaskHistoryChart } from "./task-history-chart";
import { TaskLineage } from "./task-lineage";
import { TaskReviews } from "./task-reviews";
import { TrajectoryViewer } from "./trajectory-viewer";

export function TaskDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const task = useQuery({ ...trpc.tasks.get.queryOptions({ id }), retry: (n, e) => e.data?.code !== "NOT_FOUND" && n < 1 });
  if (task.isPending) return <Loading label="Loading task…" />;
  if (task.isError) {
    return (
      <>
        <p>
          <Link href="/tasks">← Tasks</Link>
        </p>
        <ErrorState title={task.error.data?.code === "NOT_FOUND" ? "Task not found" : "Could not load the task"} message={task.error.message} />
      </>
    );
  }
  const t = task.data;
  const { turns, groundTruth, missedFunctions: missed } = t;
  return (
    <>
      <p>
        <Link href="/tasks">← Tasks</Link>
      </p>
      <h1>{t.externalId}</h1>
      <div className="card" aria-label="Summary">
        <span className="chip">{t.dataset.name}</span>
        <span className="chip">category: {t.category}</span>
        <span className="chip">split: {t.split}</span>
        <span className="chip">origin: {t.origin}</span>
        <span className="chip">{t.numTurns} turns</span>
        {t.longContext ? <span className="chip">long context</span> : null}
        {t.dependencyDepth !== null ? <span className="chip">dependency depth {t.dependencyDepth}</span> : null}
        {t.involvedClasses.map((k) => (
          <span key={k} className="chip">
            {k}
          </span>
        ))}
        {t.gtReplayOk === false ? (
          <div className="state state-error" role="alert" style={{ marginTop: 8 }}>
            <strong>Ground-truth defect: its own ground truth does not reach full reward</strong>
            <div>{t.gtReplayReason}</div>
          </div>
        ) : t.gtReplayOk ? (
          <span className="chip ok">ground truth replays to R_P = 1</span>
        ) : (
          <span className="chip">ground truth not replayed yet</span>
        )}
      </div>
      {t.structure ? <StructureCard structure={t.structure as unknown as StructureView} /> : null}
      <TaskReviews taskId={t.id} reviewState={t.reviewState} />
      <TaskLineage taskId={t.id} />
      <TaskHistoryChart taskId={t.id} />
      <h2>Turns</h2>
      {turns.map((messages, i) => (
        <section key={i} className="turn" aria-label={`Turn ${i + 1}`}>
          <h3>Turn {i + 1}</h3>
          {messages.length === 0 ? (
            <p className="muted">
              No user message: held-back functions are released here ({(missed[String(i)] ?? []).join(", ")}); the user says “I have updated some more
              functions you can choose from. What about now?”
            </p>
          ) : (
            messages.map((m, j) => (
              <p key={j}>
                <strong>User:</strong> {m.content}
              </p>
            ))
          )}
          <div>
            <span className="muted">Ground truth:</span>{" "}
            {(groundTruth[i] ?? []).length === 0 ? (
              <em className="muted">no call (the model should ask for what is missing)</em>
            ) : (
              <ol>
                {groundTruth[i]!.map((c, j) => (
                  <li key={j}>
                    <code>{c.source}</code>
                  </li>
                ))}
              </ol>
            )}
          </div>
          <details>
            <summary className="muted">Tools available at this turn ({t.toolsPerTurn[i]?.length ?? 0})</summary>
            <p>
              {(t.toolsPerTurn[i] ?? []).map((n) => (
                <span key={n} className="chip">
                  {n}
                </span>
              ))}
            </p>
          </details>
        </section>
      ))}
      <TrajectoryViewer taskId={t.id} />
      <h2>Initial configuration</h2>
      <pre aria-label="Initial configuration">{JSON.stringify(t.initialConfig, null, 2)}</pre>
    </>
  );
}

interface StructureView {
  turns: number;
  classesPerTurn: string[][];
  callsPerTurn: number[];
  dependencies: { from: [number, number]; to: [number, number] }[];
  dependencyDepth: number;
}

function StructureCard({ structure }: { structure: StructureView }) {
  return (
    <section className="card" aria-label="Structure profile">
      <h2 style={{ marginTop: 0 }}>Structure profile</h2>
      <table>
        <thead>
          <tr>
            <th>Turn</th>
            <th>API classes</th>
            <th>Calls</th>
          </tr>
        </thead>
        <tbody>
          {structure.callsPerTurn.map((n, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>{(structure.classesPerTurn[i] ?? []).join(", ") || <span className="muted">none</span>}</td>
              <td>{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Dependency depth {structure.dependencyDepth}
        {structure.dependencies.length
          ? ` · ${structure.dependencies.map((d) => `turn ${d.from[0] + 1} call ${d.from[1] + 1} → turn ${d.to[0] + 1} call ${d.to[1] + 1}`).join("; ")}`
          : " · no call uses an earlier result"}
      </p>
    </section>
  );
}
