import { describe, expect, it } from "vitest";
import { shortTaskName } from "./task-names";

describe("shortTaskName", () => {
  it("keeps the seed id and a short suffix of a synthesized id", () => {
    expect(shortTaskName("multi_turn_base_2~syn-cmabc123def456ghi789")).toBe("multi_turn_base_2~ghi789");
  });
  it("leaves seed and imported ids unchanged", () => {
    expect(shortTaskName("multi_turn_miss_func_28")).toBe("multi_turn_miss_func_28");
  });
});
