import { ExperimentForm } from "./experiment-form";

export const metadata = { title: "New experiment · RODS" };

export default function NewExperimentPage() {
  return (
    <>
      <h1>New experiment</h1>
      <p className="muted">Every setting starts at its default; pick a preset, change what you need, and launch. The run&apos;s monitor opens next.</p>
      <ExperimentForm />
    </>
  );
}
