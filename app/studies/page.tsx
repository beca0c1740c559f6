import { StudiesView } from "./studies-view";

export const metadata = { title: "Studies · RODS" };

export default function StudiesPage() {
  return (
    <>
      <h1>Studies</h1>
      <p>
        A study runs every picked mode with seeds 1…n at one equal training budget (the same number of policy updates),
        one run after another through the job queue, and shows one table in the shape of the paper&apos;s Table 2.
      </p>
      <StudiesView />
    </>
  );
}
