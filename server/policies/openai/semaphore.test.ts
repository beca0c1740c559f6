import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore";

describe("Semaphore", () => {
  it("grants slots in arrival order and passes a released slot to the next waiter", async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    const first = await sem.acquire();
    const b = sem.acquire().then((release) => (order.push("b"), release));
    const c = sem.acquire().then((release) => (order.push("c"), release));
    first();
    (await b)();
    (await c)();
    expect(order).toEqual(["b", "c"]);
  });

  it("drops an aborted waiter without losing the slot", async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const controller = new AbortController();
    const aborted = sem.acquire(controller.signal).then(
      () => "granted",
      () => "rejected",
    );
    controller.abort();
    expect(await aborted).toBe("rejected");
    held();
    held(); // a second release is ignored: the limit stays 1
    const again = await sem.acquire();
    const blocked = sem.acquire();
    let isGranted = false;
    void blocked.then(() => (isGranted = true));
    await new Promise((r) => setTimeout(r, 1));
    expect(isGranted).toBe(false);
    again();
    await blocked;
  });
});
