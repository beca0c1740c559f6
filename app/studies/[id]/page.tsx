import { StudyView } from "./study-view";

export const metadata = { title: "Study · RODS" };

export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StudyView studyId={id} />;
}
