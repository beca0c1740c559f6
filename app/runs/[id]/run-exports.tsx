// The run's data as files: download links to /api/v1/runs/<id>/export (the same service as `rods export`).
import type { ExportFormat } from "@/server/services/export-service";
import styles from "../runs.module.css";

const FORMATS = {
  bfcl: { label: "Task pool, BFCL format (.tar)", hint: "questions/ and answers/ per category; unpack and run rods import on the folder" },
  "verl-parquet": { label: "Task pool for verl (.parquet)", hint: "data_source, prompt, ability, reward_model, extra_info (tools, task id)" },
  "trl-jsonl": { label: "Task pool for TRL / HF datasets (.jsonl)", hint: "conversational prompt, tools, ground truth per line" },
  trajectories: { label: "Trajectories (.jsonl)", hint: "OpenAI messages, tools, reward, advantage, step, policy version, tokens (tokens_estimated: true for the simulated learner) per rollout" },
  "metrics-csv": { label: "Per-step metrics (.csv)", hint: "informative fraction, φ, regions, rollouts, tokens (estimated or not), held-out, rollout and synthesis costs per step" },
} satisfies Record<ExportFormat, { label: string; hint: string }>;

export function RunExports({ runId }: { runId: string }) {
  return (
    <section className="card" aria-label="Export" style={{ marginTop: 12 }}>
      <h2 style={{ marginTop: 0 }}>Export</h2>
      <p className={styles.small}>
        Streamed from the database (rejected synthesized tasks left out). Needs a signed-in session here, or an API key with <code>runs:read</code> from a
        script; on the command line: <code>npm run rods -- export {runId} --format &lt;format&gt; --out &lt;path&gt;</code>.
      </p>
      <ul>
        {(Object.keys(FORMATS) as ExportFormat[]).map((format) => (
          <li key={format}>
            <a href={`/api/v1/runs/${encodeURIComponent(runId)}/export?format=${format}`} download data-testid={`export-${format}`}>
              {FORMATS[format].label}
            </a>{" "}
            <span className={styles.small}>{FORMATS[format].hint}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
