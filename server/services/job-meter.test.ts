import { describe, expect, it } from "vitest";
import { createJobMeters } from "./job-meter";

function clock() {
  const c = { cpu: 0, now: 0 };
  return { c, meters: createJobMeters({ cpuMs: () => c.cpu, nowMs: () => c.now }) };
}

describe("job meters", () => {
  it("give a job alone in the process all the CPU spent while it ran, and its wall time", () => {
    const { c, meters } = clock();
    c.cpu = 50; // spent before the job: not its cost
    const job = meters.start();
    c.cpu += 120;
    c.now += 300;
    expect(job.stop()).toEqual({ wallMs: 300, cpuMs: 120 });
    expect(meters.active).toBe(0);
  });

  it("split each interval's CPU among the jobs running in it, so the shares add up to the process's CPU", () => {
    const { c, meters } = clock();
    const a = meters.start();
    c.cpu += 100; // a alone
    const b = meters.start();
    c.cpu += 60; // a and b
    const other = meters.start(); // e.g. a driver tick: takes its share, which is dropped
    c.cpu += 90; // a, b and other
    other.stop();
    const costA = a.stop();
    c.cpu += 40; // b alone
    const costB = b.stop();
    expect(costA.cpuMs).toBeCloseTo(100 + 30 + 30, 9);
    expect(costB.cpuMs).toBeCloseTo(30 + 30 + 40, 9);
    expect(costA.cpuMs + costB.cpuMs + 30).toBeCloseTo(100 + 60 + 90 + 40, 9);
  });

  it("return the same figures when stopped twice and stop taking a share after the first stop", () => {
    const { c, meters } = clock();
    const a = meters.start();
    c.cpu += 10;
    const first = a.stop();
    const b = meters.start();
    c.cpu += 10;
    expect(a.stop()).toBe(first);
    expect(b.stop().cpuMs).toBe(10);
  });
});
