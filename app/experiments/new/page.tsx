import { ExperimentForm } from "./experiment-form";

export const metadata = { title: "New experiment · RODS" };

export default async function NewExperimentPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { from } = await searchParams;
  // ?from=<run id>: "run again with these settings" from a run's monitor
  const fromRunId = typeof from === "string" && from.length > 0 && from.length <= 100 ? from : undefined;
  return (
    <>
      <h1>New experiment</h1>
      <p className="muted">
        {fromRunId ? "Every setting starts at the earlier run's value" : "Every setting starts at its default"}; pick a preset, change what you need, and launch. The run&apos;s
        monitor opens next.
      </p>
      <ExperimentForm fromRunId={fromRunId} />
    </>
  );
}
