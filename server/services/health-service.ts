import type { Db } from "../db";
import { countLiveWorkers } from "./worker-service";

export interface Health {
  status: "ok" | "degraded";
  db: "ok" | "down";
  worker: "ok" | "down";
  workers: number;
  tasks: number | null;
  error?: string;
}

export async function checkHealth({ db, staleSeconds }: { db: Db; staleSeconds: number }): Promise<Health> {
  try {
    const [tasks, workers] = await Promise.all([db.task.count(), countLiveWorkers({ db, staleSeconds })]);
    const worker = workers > 0 ? "ok" : "down";
    return { status: worker === "ok" ? "ok" : "degraded", db: "ok", worker, workers, tasks };
  } catch (error) {
    console.error("[health]", error);
    return { status: "degraded", db: "down", worker: "down", workers: 0, tasks: null, error: "database unreachable" };
  }
}
