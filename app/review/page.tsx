import { Suspense } from "react";
import { Loading } from "@/components/ui/states";
import { ReviewQueue } from "./review-queue";

export const metadata = { title: "Review · RODS" };

export default function ReviewPage() {
  return (
    <>
      <h1>Review synthesized tasks</h1>
      <Suspense fallback={<Loading />}>
        <ReviewQueue />
      </Suspense>
    </>
  );
}
