import { describe, expect, it } from "vitest";
import { prepareErrors, prepareFunnel } from "./prepare-synthesis";

const funnel = [
  { key: "attempted", label: "attempted", count: 40 },
  { key: "planned", label: "planned", count: 30 },
  { key: "executed", label: "executed", count: 20 },
  { key: "rewritten", label: "rewritten", count: 18 },
  { key: "passedGates", label: "passed gates", count: 15 },
  { key: "accepted", label: "accepted", count: 12 },
  { key: "approved", label: "approved", count: 10 },
];

describe("prepareFunnel", () => {
  it("keeps the stage order and gives each stage its share of the attempts", () => {
    const { rows, isEmpty } = prepareFunnel({ funnel, errors: [] });
    expect(rows.map((r) => r.label)).toEqual(["attempted", "planned", "executed", "rewritten", "passed gates", "accepted", "approved"]);
    expect(rows.map((r) => r.share)).toEqual([1, 0.75, 0.5, 0.45, 0.375, 0.3, 0.25]);
    expect(isEmpty).toBe(false);
  });

  it("is empty with no attempts, and has no shares then", () => {
    const { rows, isEmpty } = prepareFunnel({ funnel: funnel.map((f) => ({ ...f, count: 0 })), errors: [] });
    expect(isEmpty).toBe(true);
    expect(rows.every((r) => r.share === null)).toBe(true);
  });
});

describe("prepareErrors", () => {
  it("lists the errors that occurred, most frequent first, ties in taxonomy order, readable labels", () => {
    const { rows, total } = prepareErrors({
      funnel,
      errors: [
        { errorType: "vm_exec_failed", count: 3 },
        { errorType: "param_gen_failed", count: 3 },
        { errorType: "no_pattern", count: 9 },
        { errorType: "duplicate_func", count: 0 },
      ],
    });
    expect(rows.map((r) => r.errorType)).toEqual(["no_pattern", "param_gen_failed", "vm_exec_failed"]);
    expect(rows[0]!.label).toBe("no pattern");
    expect(total).toBe(15);
  });

  it("is empty when nothing was dropped", () => {
    expect(prepareErrors({ funnel, errors: [] }).isEmpty).toBe(true);
  });
});
