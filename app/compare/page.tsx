import { Suspense } from "react";
import { Loading } from "@/components/ui/states";
import { CompareView } from "./compare-view";

export const metadata = { title: "Compare runs · RODS" };

export default function ComparePage() {
  return (
    <>
      <h1>Compare runs</h1>
      <Suspense fallback={<Loading />}>
        <CompareView />
      </Suspense>
    </>
  );
}
