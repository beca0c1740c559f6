import { RunMonitor } from "./run-monitor";

export const metadata = { title: "Run monitor · RODS" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunMonitor runId={id} />;
}
