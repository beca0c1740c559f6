"use client";
// One study: the Table-2-shaped summary (mean ± sd over seeds), downloads, overlaid curves with bands, its runs.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { BandLineChart } from "@/components/charts/band-line-chart";
import { ChartCard } from "@/components/charts/chart-card";
import chartStyles from "@/components/charts/charts.module.css";
import { prepareStudyCurves } from "@/components/charts/prepare-study";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState, Loading } from "@/components/ui/states";
import { StatusChip } from "../../runs/run-bits";

type MS = { mean: number | null; sd: number | null; n: number } | null | undefined;
function fmt(s: MS, digits: number, scale = 1, signed = false): string {
  if (!s || s.mean === null) return "—";
  const m = (s.mean * scale).toFixed(digits);
  const mean = signed && s.mean > 0 ? `+${m}` : m;
  return s.sd === null ? mean : `${mean} ± ${(s.sd * scale).toFixed(digits)}`;
}

export function StudyView({ studyId }: { studyId: string }) {
  const trpc = useTRPC();
  const study = useQuery({
    ...trpc.studies.get.queryOptions({ id: studyId }),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "running" || r.status === "queued") ? 5_000 : false),
    retry: (count, error) => error.data?.code !== "NOT_FOUND" && count < 1,
  });
  if (study.isPending) return <Loading label="Loading the study…" />;
  if (study.isError) return <ErrorState title={study.error.data?.code === "NOT_FOUND" ? "Study not found" : "Could not load the study"} message={study.error.message} />;
  const s = study.data;
  const { table } = s;
  const done = s.runs.filter((r) => r.status === "completed").length;
  const budget = s.config.budgetSteps ? `${String(s.config.budgetSteps)} steps` : s.config.budgetRollouts ? `${String(s.config.budgetRollouts)} rollouts` : "none";
  const informative = prepareStudyCurves({ modes: s.modes, curves: table.curves }, "informative");
  const reward = prepareStudyCurves({ modes: s.modes, curves: table.curves }, "reward");
  return (
    <>
      <h1>{s.name}</h1>
      <p>
        {s.modes.length} modes × {s.seeds} seeds, budget {budget} per run; {done} of {s.runs.length} runs done (worked one after another).{" "}
        <Link href="/studies">All studies</Link>
      </p>
      <p data-testid="study-evaluation">
        <strong>Held-out scoring:</strong> {s.evaluation}.
      </p>
      <table aria-label="Study table">
        <thead>
          <tr>
            <th scope="col">mode</th>
            <th scope="col">runs done</th>
            <th scope="col">held-out %</th>
            {table.categories.map((c) => (
              <th scope="col" key={c}>
                {c} %
              </th>
            ))}
            <th scope="col">Δ vs static (pp)</th>
            <th scope="col">informative AUC (steps)</th>
            <th scope="col">steps</th>
            <th scope="col">rollouts</th>
            <th scope="col">wall s</th>
            <th scope="col" title={s.costBasis ?? undefined}>
              synthesis cost %
            </th>
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.mode}>
              <th scope="row">{r.mode}</th>
              <td>
                {r.completed}/{r.runs.length}
              </td>
              <td>{fmt(r.heldOutFinal, 1, 100)}</td>
              {table.categories.map((c) => (
                <td key={c}>{fmt(r.byCategory[c], 1, 100)}</td>
              ))}
              <td>{r.mode === "static" ? "—" : fmt(r.deltaToStatic, 1, 100, true)}</td>
              <td>{fmt(r.informativeAuc, 2)}</td>
              <td>{fmt(r.steps, 0)}</td>
              <td>{fmt(r.rollouts, 0)}</td>
              <td>{fmt(r.wallSeconds, 0)}</td>
              <td data-testid={`study-cost-${r.mode}`}>{fmt(r.synthesisShare, 1, 100)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p style={{ fontSize: 12, color: "var(--muted)" }}>
        mean ± sample sd over seeds; Δ vs static is paired by seed; the informative AUC sums the informative fraction over steps; synthesis cost % is
        what synthesis cost beside the training rollouts{s.costBasis ? `, in ${s.costBasis}` : ""} (0 for static). Download:{" "}
        <a href={`/studies/${studyId}/table?format=md`} download>
          Markdown
        </a>{" "}
        ·{" "}
        <a href={`/studies/${studyId}/table?format=csv`} download>
          CSV
        </a>
      </p>
      <div className={chartStyles.grid2} style={{ marginTop: 12 }}>
        <ChartCard title="Informative fraction over steps" subtitle="mean over seeds, band = ± sd" summary={`${s.modes.join(", ")}: informative fraction per step`} isEmpty={informative.isEmpty} legend={informative.series} testId="study-informative">
          <BandLineChart data={informative} yLabel="share (0–1)" />
        </ChartCard>
        <ChartCard title="Mean training reward over steps" subtitle="mean over seeds, band = ± sd" summary={`${s.modes.join(", ")}: mean reward per step`} isEmpty={reward.isEmpty} legend={reward.series} testId="study-reward">
          <BandLineChart data={reward} yLabel="progress reward (0–1)" />
        </ChartCard>
      </div>
      <h2>Runs</h2>
      <table aria-label="Study runs">
        <thead>
          <tr>
            <th scope="col">mode</th>
            <th scope="col">seed</th>
            <th scope="col">status</th>
            <th scope="col">steps</th>
            <th scope="col">held-out</th>
          </tr>
        </thead>
        <tbody>
          {s.runs.map((r) => (
            <tr key={r.runId}>
              <td>
                <Link href={`/runs/${r.runId}`}>{r.mode}</Link>
              </td>
              <td>{r.seed}</td>
              <td>
                <StatusChip status={r.status} />
              </td>
              <td>{r.steps}</td>
              <td>
                {r.heldOutInitial === null ? "—" : `${(r.heldOutInitial * 100).toFixed(1)} %`} → {r.heldOutFinal === null ? "—" : `${(r.heldOutFinal * 100).toFixed(1)} %`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
