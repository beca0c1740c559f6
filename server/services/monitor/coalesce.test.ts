import { describe, expect, it } from "vitest";
import type { Db } from "../../db";
import { coalesced } from "./coalesce";

describe("coalesced reads", () => {
  it("shares one read among identical calls in flight, and reads again once it has settled", async () => {
    const db = {} as Db;
    let reads = 0;
    let release!: () => void;
    const read = coalesced("test", async ({ runId }: { db: Db; runId: string }) => {
      reads++;
      await new Promise<void>((r) => (release = r));
      return { runId, read: reads };
    });
    const a = read({ db, runId: "r1" });
    const b = read({ db, runId: "r1" });
    expect(reads).toBe(1);
    release();
    expect(await a).toEqual({ runId: "r1", read: 1 });
    expect(await b).toBe(await a);
    const c = read({ db, runId: "r1" });
    expect(reads).toBe(2);
    release();
    expect(await c).toEqual({ runId: "r1", read: 2 });
  });

  it("keeps different arguments, databases and failures apart", async () => {
    const other = {} as Db;
    const db = {} as Db;
    let reads = 0;
    const read = coalesced("test", async ({ runId }: { db: Db; runId: string }) => {
      reads++;
      await Promise.resolve();
      if (runId === "missing") throw new Error("no such run");
      return runId;
    });
    const results = await Promise.all([read({ db, runId: "r1" }), read({ db, runId: "r2" }), read({ db: other, runId: "r1" })]);
    expect(results).toEqual(["r1", "r2", "r1"]);
    expect(reads).toBe(3);
    await expect(read({ db, runId: "missing" })).rejects.toThrow("no such run");
    expect(await read({ db, runId: "r1" })).toBe("r1");
  });
});
