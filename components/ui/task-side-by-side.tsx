// A seed and a task synthesized from it, side by side: the structure profile compared line by line, then each turn
// (user text and ground-truth calls) aligned by turn index.
import Link from "next/link";
import styles from "./dashboard.module.css";

export interface SideTask {
  id: string;
  externalId: string;
  category: string;
  involvedClasses: string[];
  numTurns: number;
  turns: { role: string; content: string }[][];
  groundTruth: { name: string; source: string }[][];
  missedFunctions: Record<string, string[]>;
  structure: { classesPerTurn: string[][]; callsPerTurn: number[]; dependencyDepth: number } | null;
  dependencyDepth: number | null;
}

function profile(t: SideTask) {
  const callsPerTurn = t.structure?.callsPerTurn ?? t.groundTruth.map((calls) => calls.length);
  const classesPerTurn = t.structure?.classesPerTurn;
  return {
    turns: String(t.numTurns),
    calls: callsPerTurn.join(" · "),
    classes: classesPerTurn ? classesPerTurn.map((c) => (c.length ? c.join("+") : "–")).join(" · ") : t.involvedClasses.join(", "),
    depth: t.dependencyDepth === null ? "unknown" : String(t.dependencyDepth),
    total: String(t.groundTruth.reduce((n, calls) => n + calls.length, 0)),
  };
}

function Turn({ task, index }: { task: SideTask; index: number }) {
  const messages = task.turns[index];
  const calls = task.groundTruth[index] ?? [];
  if (!messages) return <span className="muted">no such turn</span>;
  return (
    <>
      {messages.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Held-back functions released ({(task.missedFunctions[String(index)] ?? []).join(", ") || "none"}); no user message.
        </p>
      ) : (
        messages.map((m, j) => (
          <p key={j} style={{ margin: 0 }}>
            {m.content}
          </p>
        ))
      )}
      {calls.length === 0 ? (
        <p className="muted" style={{ margin: "4px 0 0", fontSize: 12 }}>
          no call (the model should ask or wait)
        </p>
      ) : (
        <ol className={styles.gtList} aria-label={`Ground truth of turn ${index + 1}`}>
          {calls.map((c, j) => (
            <li key={j}>
              <code>{c.source}</code>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

export function TaskSideBySide({ seed, variant, label = "Seed and variant" }: { seed: SideTask; variant: SideTask; label?: string }) {
  const a = profile(seed);
  const b = profile(variant);
  const rows: [string, keyof typeof a][] = [
    ["Turns", "turns"],
    ["Calls per turn", "calls"],
    ["API classes per turn", "classes"],
    ["Dependency depth", "depth"],
    ["Ground-truth calls", "total"],
  ];
  const turnCount = Math.max(seed.turns.length, variant.turns.length);
  return (
    <section aria-label={label}>
      <table className={`${styles.sideBySide} ${styles.profileTable}`} aria-label="Structure compared">
        <thead>
          <tr>
            <th />
            <th>
              Seed <Link href={`/tasks/${seed.id}`}>{seed.externalId}</Link>
            </th>
            <th>
              Variant <Link href={`/tasks/${variant.id}`}>{variant.externalId}</Link>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, key]) => (
            <tr key={key}>
              <th scope="row">{name}</th>
              <td>{a[key]}</td>
              <td>
                {b[key]}{" "}
                {key === "total" ? null : a[key] === b[key] ? <span className={styles.same}>same</span> : <span className={styles.differs}>differs</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className={`${styles.sideBySide} ${styles.turnsTable}`} aria-label="Turns compared" style={{ marginTop: 8 }}>
        <thead>
          <tr>
            <th>Turn</th>
            <th>Seed</th>
            <th>Variant</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: turnCount }, (_, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>
                <Turn task={seed} index={i} />
              </td>
              <td>
                <Turn task={variant} index={i} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
