// Rollout groups queued by one worker wake the others through Postgres NOTIFY (not at their next poll): queue clients
// on one database, as separate worker processes have; a group sent by one wakes the other's takers, and a stopped
// listener hears nothing more.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { JOBS } from "./contract";
import { jobSender, listenForQueuedJobs, onJobQueued, startQueue } from "./queue";

const RUN = "r-queue-notify";
let sender: PgBoss;
let listener: PgBoss;
let witness: PgBoss;
const stops: (() => Promise<void>)[] = [];
let heard = 0;
let witnessed = 0;

describe("queued rollout groups announced to other workers", () => {
  beforeAll(async () => {
    // One after another: the first may create the queue's schema.
    sender = await startQueue({ url: inject("databaseUrl"), isWorker: false });
    listener = await startQueue({ url: inject("databaseUrl"), isWorker: false });
    witness = await startQueue({ url: inject("databaseUrl"), isWorker: false });
    onJobQueued(listener, JOBS.rolloutGroup, () => heard++);
    onJobQueued(witness, JOBS.rolloutGroup, () => witnessed++);
    stops.push(listenForQueuedJobs(listener), listenForQueuedJobs(witness));
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    // The test's jobs name no run: leave nothing for a later worker to fetch.
    await sender.getDb().executeSql("DELETE FROM pgboss.job WHERE data->>'runId' = $1", [RUN]);
    for (const boss of [sender, listener, witness]) await boss.stop({ graceful: false, wait: true });
  });

  it("wakes another process's takers of rollout groups when one is queued, until it stops listening", async () => {
    const jobs = jobSender(sender);
    let n = 0;
    // The LISTEN connections may still be opening: send until both have heard one (each send is a real job).
    await expect
      .poll(
        async () => {
          await jobs.send(JOBS.rolloutGroup, { runId: RUN, stepIndex: 0, taskId: `t${n++}` });
          return heard > 0 && witnessed > 0;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);

    // Stopped: a later group still reaches the witness, and no longer the listener.
    await stops[0]!();
    heard = 0;
    witnessed = 0;
    await jobs.send(JOBS.rolloutGroup, { runId: RUN, stepIndex: 1, taskId: "after-stop" });
    await expect.poll(() => witnessed, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    expect(heard).toBe(0);
  });
});
