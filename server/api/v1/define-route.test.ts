import { describe, expect, it } from "vitest";
import { z } from "zod";
import { unknownFieldPaths, validatePart } from "./define-route";

describe("validatePart", () => {
  const schema = z.strictObject({ config: z.object({ k: z.number().int().min(2), policy: z.object({ kind: z.string(), lr: z.number().default(1) }) }) });

  it("names unknown fields at any depth, also inside non-strict nested objects", () => {
    expect(() => validatePart("body", schema, { config: { k: 2, policy: { kind: "a", lrr: 3 } }, extra: 1 })).toThrow(/body\.extra: unknown field/);
    expect(() => validatePart("body", schema, { config: { k: 2, policy: { kind: "a", lrr: 3 } } })).toThrow(/body\.config\.policy\.lrr: unknown field/);
    expect(unknownFieldPaths({ a: [{ b: 1, c: 2 }] }, { a: [{ b: 1 }] })).toEqual(["a.0.c"]);
  });

  it("names the failing field path and keeps defaults", () => {
    expect(() => validatePart("body", schema, { config: { k: 1, policy: { kind: "a" } } })).toThrow(/body\.config\.k: Too small/);
    expect(validatePart("body", schema, { config: { k: 3, policy: { kind: "a" } } })).toEqual({ config: { k: 3, policy: { kind: "a", lr: 1 } } });
  });
});
