// The event log is read from the rows a run writes: its figures match the steps, pool entries and evaluations
// counted independently, in time order, with the current state (cancelled, with its reason) at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetData, testDb } from "../../test/db";
import { fillSyntheticRun } from "../../test/fixtures/synthetic-run";
import { disconnectDb } from "../db";
import { listRunEvents } from "./run-events-service";

const db = testDb();

describe("the event log of a run", () => {
  beforeAll(() => resetData(db));
  afterAll(() => disconnectDb());

  it("lists created, started, each closed epoch, injections, retirements by reason, evaluations and the end", async () => {
    const { runId } = await fillSyntheticRun({ db, steps: 12, tasks: 30, k: 4, epochs: 3, seed: 9 });
    const events = await listRunEvents({ db, runId });
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe("created");
    expect(kinds).toContain("started");
    expect(kinds.at(-1)).toBe("finished");
    const times = events.filter((e) => e.at).map((e) => e.at!.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    for (const epoch of [0, 1, 2]) {
      const steps = await db.step.count({ where: { runId, epoch, status: "done" } });
      expect(events.map((e) => e.text)).toContain(`Epoch ${epoch + 1} closed after ${steps} step${steps === 1 ? "" : "s"}`);
    }
    const injected = await db.poolEntry.count({ where: { runId, isSeed: false, enteredEpoch: { not: null } } });
    const injectedInLog = events.filter((e) => e.kind === "injected").reduce((n, e) => n + Number(e.text.split(" ")[0]), 0);
    expect(injectedInLog).toBe(injected);
    const retired = await db.poolEntry.count({ where: { runId, leftEpoch: { not: null } } });
    const retiredInLog = events.filter((e) => e.kind === "retired").reduce((n, e) => n + Number(e.text.split(" ")[0]), 0);
    expect(retiredInLog).toBe(retired);
    if (retired > 0) expect(events.find((e) => e.kind === "retired")!.text).toMatch(/\((\d+ (burn_in|mastered|unsolvable|pruned)(, )?)+\)$/);
    expect(events.find((e) => e.kind === "evaluation")!.text).toMatch(/^Held-out evaluation before training: \d+\.\d % of 400 tasks$/);
    expect(events.filter((e) => e.kind === "evaluation")).toHaveLength(await db.evaluation.count({ where: { runId, category: "overall" } }));
  });

  it("ends with the cancellation and its reason, and leaves an open epoch out", async () => {
    const { runId } = await fillSyntheticRun({ db, steps: 12, tasks: 20, k: 4, epochs: 3, stepsDone: 5, seed: 4 });
    await db.run.update({ where: { id: runId }, data: { status: "cancelled", statusReason: "Cancelled by Ada.", finishedAt: new Date() } });
    const { currentEpoch } = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { currentEpoch: true } });
    const events = await listRunEvents({ db, runId });
    expect(events.at(-1)).toMatchObject({ kind: "cancelled", text: "Cancelled: Cancelled by Ada." });
    expect(events.filter((e) => e.kind === "epoch")).toHaveLength(currentEpoch);
  });
});
