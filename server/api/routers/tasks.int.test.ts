import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../db";
import { resetData, testDb } from "../../../test/db";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "../../services/import-service";
import { createCaller } from "../root";

const db = testDb();
const caller = createCaller({ db, headers: new Headers() });

describe("tasks router", () => {
  beforeAll(async () => {
    await resetData(db);
    await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
  });
  afterAll(() => disconnectDb());

  it("pages through the list on the server", async () => {
    const first = await caller.tasks.list({ page: 1, pageSize: 50 });
    expect(first.total).toBe(800);
    expect(first.items).toHaveLength(50);
    expect(first.pageCount).toBe(16);
    const last = await caller.tasks.list({ page: 16, pageSize: 50 });
    expect(new Set([...first.items, ...last.items].map((t) => t.id)).size).toBe(100);
  });

  it("filters by category, split, API class and origin together", async () => {
    const r = await caller.tasks.list({ filter: { category: "base", split: "train", apiClass: "TravelAPI", origin: "seed" }, page: 1, pageSize: 200 });
    expect(r.total).toBeGreaterThan(0);
    expect(r.total).toBeLessThan(100);
    for (const t of r.items) {
      expect(t.category).toBe("base");
      expect(t.split).toBe("train");
      expect(t.involvedClasses).toContain("TravelAPI");
      expect(t.scenarioIndex! % 2).toBe(0);
    }
    expect((await caller.tasks.list({ filter: { origin: "synthesized" } })).total).toBe(0);
  });

  it("counts tasks by facet", async () => {
    const c = await caller.tasks.counts({});
    expect(c.total).toBe(800);
    expect(c.bySplit).toEqual({ train: 400, test: 400 });
    expect(c.byClass.GorillaFileSystem).toBe(200);
    expect(Object.values(c.byCategory)).toEqual([200, 200, 200, 200]);
  });

  it("returns one task with its tools per turn, releasing held-back tools at their turn", async () => {
    const [row] = (await caller.tasks.list({ filter: { category: "miss_func", search: "multi_turn_miss_func_0" }, pageSize: 200 })).items.filter(
      (t) => t.externalId === "multi_turn_miss_func_0",
    );
    const task = await caller.tasks.get({ id: row!.id });
    const [turn, names] = Object.entries(task.missedFunctions)[0]!;
    const t = Number(turn);
    for (const name of names) {
      expect(task.toolsPerTurn[t - 1]).not.toContain(name);
      expect(task.toolsPerTurn[t]).toContain(name);
    }
    expect(task.turns[t]).toEqual([]);
  });

  it("answers NOT_FOUND with a message for an unknown id, and BAD_REQUEST for invalid input", async () => {
    await expect(caller.tasks.get({ id: "no-such-task" })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining('No task with id "no-such-task"') });
    const bad = await caller.tasks.list({ page: 0 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TRPCError);
    expect((bad as TRPCError).code).toBe("BAD_REQUEST");
  });
});
