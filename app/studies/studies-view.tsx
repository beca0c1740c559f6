"use client";
// The list of studies and the "New study" form (modes, seeds, budget and the main settings; the server validates).
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";

const NUMBER_FIELDS = [
  { key: "budgetSteps", label: "Budget (steps)", help: "policy updates per run, the same for every mode", value: "20" },
  { key: "limitSeeds", label: "Seeds tasks", help: "first N train seeds, spread over categories (empty = all 400)", value: "200" },
  { key: "batchSize", label: "Batch size", help: "tasks per step", value: "50" },
  { key: "k", label: "K", help: "rollouts per task per step", value: "8" },
  { key: "evalLimit", label: "Held-out tasks", help: "test-split tasks evaluated (empty = all 400)", value: "200" },
] as const;

export function StudiesView() {
  const trpc = useTRPC();
  const list = useQuery(trpc.studies.list.queryOptions());
  return (
    <>
      <NewStudyForm />
      <h2>All studies</h2>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState message={list.error.message} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No studies yet">Start one above, or from the command line: npm run rods -- study --modes static,rods --seeds 3 --budget-steps 20.</EmptyState>
      ) : (
        <table aria-label="Studies">
          <thead>
            <tr>
              <th scope="col">Study</th>
              <th scope="col">Modes</th>
              <th scope="col">Seeds</th>
              <th scope="col">Runs done</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/studies/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.modes.join(", ")}</td>
                <td>{s.seeds}</td>
                <td>
                  {s.completed} / {s.runs}
                </td>
                <td>{new Date(s.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function NewStudyForm() {
  const trpc = useTRPC();
  const router = useRouter();
  // The modes and what each does, as the server states them (server/rods/config.ts).
  const defaults = useQuery({ ...trpc.experiments.defaults.queryOptions(), staleTime: Infinity });
  const modeTexts: Record<string, string> = defaults.data?.modeTexts ?? {};
  const [modes, setModes] = useState<string[]>(["static", "rods"]);
  const [seeds, setSeeds] = useState("3");
  const [name, setName] = useState("");
  const [numbers, setNumbers] = useState<Record<string, string>>(Object.fromEntries(NUMBER_FIELDS.map((f) => [f.key, f.value])));
  const create = useMutation(trpc.studies.create.mutationOptions({ onSuccess: (study) => router.push(`/studies/${study.id}`) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const config: Record<string, unknown> = { epochs: 1000 };
    for (const f of NUMBER_FIELDS) {
      const raw = numbers[f.key]?.trim() ?? "";
      config[f.key] = raw === "" ? null : Number(raw);
    }
    create.mutate({ name: name.trim() || undefined, modes, seeds: Number(seeds), config });
  };
  return (
    <form onSubmit={submit} aria-label="New study">
      <h2>New study</h2>
      <fieldset>
        <legend>Modes</legend>
        {defaults.isError ? <ErrorState message={defaults.error.message} /> : null}
        {Object.keys(modeTexts).map((m) => (
          <label key={m} style={{ display: "block" }}>
            <input type="checkbox" checked={modes.includes(m)} onChange={(e) => setModes(e.target.checked ? [...modes, m] : modes.filter((x) => x !== m))} /> <strong>{m}</strong>{" "}
            <span style={{ color: "var(--muted)" }}>{modeTexts[m]}</span>
          </label>
        ))}
      </fieldset>
      <label>
        Seeds per mode <input type="number" min={1} max={10} value={seeds} onChange={(e) => setSeeds(e.target.value)} />
      </label>{" "}
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="optional" />
      </label>
      {NUMBER_FIELDS.map((f) => (
        <label key={f.key} style={{ display: "block" }} title={f.help}>
          {f.label} <input type="number" min={1} value={numbers[f.key]} onChange={(e) => setNumbers({ ...numbers, [f.key]: e.target.value })} />{" "}
          <span style={{ color: "var(--muted)", fontSize: 12 }}>{f.help}</span>
        </label>
      ))}
      <p style={{ fontSize: 12, color: "var(--muted)" }}>
        Other settings take their defaults (simulated learner, procedural synthesizer). Epochs are only an upper bound: every run ends at the step budget.
      </p>
      {create.isError ? <ErrorState title="Could not start the study" message={create.error.message} /> : null}
      <button type="submit" disabled={create.isPending || modes.length === 0}>
        {create.isPending ? "Starting…" : "Start study"}
      </button>
    </form>
  );
}
