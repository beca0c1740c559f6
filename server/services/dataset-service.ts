// The imported datasets, with how many tasks each split holds: what a run can be launched on.
import type { Db } from "../db";

export interface DatasetSummary {
  name: string;
  description: string;
  createdAt: Date;
  /** seeds a run draws from (train split) */
  train: number;
  /** held-out tasks (test split) */
  test: number;
  /** every task, synthesized ones included */
  tasks: number;
}

export async function listDatasets({ db }: { db: Db }): Promise<DatasetSummary[]> {
  const [datasets, counts] = await Promise.all([
    db.dataset.findMany({ select: { id: true, name: true, description: true, createdAt: true }, orderBy: { createdAt: "asc" } }),
    db.task.groupBy({ by: ["datasetId", "split"], _count: { _all: true } }),
  ]);
  return datasets.map((d) => {
    const of = (split?: string) => counts.filter((c) => c.datasetId === d.id && (split === undefined || c.split === split)).reduce((n, c) => n + c._count._all, 0);
    return { name: d.name, description: d.description, createdAt: d.createdAt, train: of("train"), test: of("test"), tasks: of() };
  });
}
