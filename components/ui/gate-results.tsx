// The synthesis checks a task passed: deterministic gates and the judge's verdict.
import styles from "./dashboard.module.css";

export interface GateResultView {
  name: string;
  isPassed: boolean;
  detail?: string;
}

export interface JudgeVerdictView {
  isAccepted: boolean;
  score?: number;
  reasons: string[];
}

export function GateResults({ gates, verdict }: { gates: GateResultView[]; verdict: JudgeVerdictView | null }) {
  return (
    <div aria-label="Gate results and judge verdict" role="group">
      {gates.length === 0 ? (
        <p className="muted">No gate results were recorded.</p>
      ) : (
        <ul className={styles.gates}>
          {gates.map((g) => (
            <li key={g.name}>
              <span className={g.isPassed ? styles.pass : styles.fail}>{g.isPassed ? "✓ passed" : "✗ failed"}</span> {g.name.replaceAll("_", " ")}
              {g.detail ? <span className="muted"> · {g.detail}</span> : null}
            </li>
          ))}
        </ul>
      )}
      {verdict ? (
        <p style={{ margin: "4px 0", fontSize: 13 }}>
          Judge:{" "}
          <span className={verdict.isAccepted ? styles.pass : styles.fail}>{verdict.isAccepted ? "accepted" : "not accepted"}</span>
          {verdict.score !== undefined ? <span className="muted"> · score {verdict.score}</span> : null}
          {verdict.reasons.length ? <span className="muted"> · {verdict.reasons.join("; ")}</span> : null}
        </p>
      ) : (
        <p className="muted" style={{ fontSize: 13 }}>
          No judge verdict was recorded.
        </p>
      )}
    </div>
  );
}
