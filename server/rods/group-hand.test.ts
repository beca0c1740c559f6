import { describe, expect, it } from "vitest";
import { GROUP_RESERVE, LOCAL_GROUPS_PER_SLOT, groupsToHold, handRoom } from "./group-hand";

describe("groupsToHold", () => {
  it("fills the policy's concurrency with groups of K conversations, plus the reserve", () => {
    expect(groupsToHold({ policyConcurrency: 16, k: 16, workerSlots: 2 })).toBe(1 + GROUP_RESERVE);
    expect(groupsToHold({ policyConcurrency: 64, k: 16, workerSlots: 2 })).toBe(4 + GROUP_RESERVE);
    // A group that does not fill C on its own: round up, so C is reached.
    expect(groupsToHold({ policyConcurrency: 20, k: 8, workerSlots: 2 })).toBe(3 + GROUP_RESERVE);
    // More samples in a group than C: one group fills it.
    expect(groupsToHold({ policyConcurrency: 4, k: 16, workerSlots: 2 })).toBe(1 + GROUP_RESERVE);
  });

  it("keeps the per-slot hand for a policy computed on the worker itself", () => {
    expect(groupsToHold({ policyConcurrency: null, k: 16, workerSlots: 2 })).toBe(2 * LOCAL_GROUPS_PER_SLOT);
    expect(groupsToHold({ policyConcurrency: null, k: 16, workerSlots: 0 })).toBe(LOCAL_GROUPS_PER_SLOT);
  });
});

describe("handRoom", () => {
  const caps: Record<string, number> = { a: 3, b: 6 };
  const capOf = (runId: string) => caps[runId]!;

  it("takes one group into an empty hand, then fills to the run's cap and no further", () => {
    expect(handRoom({ heldRunIds: [], capOf })).toBe(1);
    expect(handRoom({ heldRunIds: ["a"], capOf })).toBe(2);
    expect(handRoom({ heldRunIds: ["a", "a", "a"], capOf })).toBe(0);
    expect(handRoom({ heldRunIds: ["a", "a", "a", "a"], capOf })).toBe(0);
  });

  it("adds the caps of the runs in hand, so a second run fits beside a full first one", () => {
    expect(handRoom({ heldRunIds: ["a", "a", "a", "b"], capOf })).toBe(5);
    expect(handRoom({ heldRunIds: ["a", "b", "b", "b", "b", "b", "b", "a", "a"], capOf })).toBe(0);
  });
});
