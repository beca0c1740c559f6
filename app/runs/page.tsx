import { RunList } from "./run-list";

export const metadata = { title: "Runs · RODS" };

export default function RunsPage() {
  return (
    <>
      <h1>Runs</h1>
      <RunList />
    </>
  );
}
