import { describe, expect, it } from "vitest";
import { canonicalJson, compareResult, compareState, stateDigest } from "./trace-diff";

describe("compareResult", () => {
  it("applies the README's two allowances", () => {
    expect(compareResult('{"result": 5.0}', '{"result": 5}')).toBe(true);
    expect(compareResult("[1.0, 2.5]", "[1, 2.5]")).toBe(true);
    expect(compareResult('{"result": 5.05}', '{"result": 5}')).toBe(false);
    expect(compareResult("Error during execution: 'id'", "Error during execution: something else")).toBe(true);
    expect(compareResult("Error during execution: 'id'", '{"error": "id"}')).toBe(false);
    expect(compareResult('{"error": "No such file"}', '{"error": "No such file."}')).toBe(false);
    expect(compareResult("None", "None")).toBe(true);
  });
});

describe("compareState", () => {
  it("compares by value, ignoring key order, and names the differing path", () => {
    expect(compareState({ a: 10, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 10.0 })).toEqual([]);
    expect(compareState({ T: { q: [{ s: "open" }] } }, { T: { q: [{ s: "closed" }] } })).toEqual([
      { path: "T.q[0].s", expected: "open", actual: "closed" },
    ]);
    expect(compareState({ m: { "1": 1 } }, { m: {} })[0]).toMatchObject({ path: 'm["1"]', actual: "<missing>" });
  });
});

describe("stateDigest", () => {
  it("hashes Python's sort_keys compact JSON with non-ASCII kept", () => {
    expect(canonicalJson({ b: 1.5, a: ["é", null, true, 1e-7], c: "q\"\n" })).toBe('{"a":["é",null,true,1e-07],"b":1.5,"c":"q\\"\\n"}');
    // sha256 of '{"a":1}' starts with 015abd7f5cc57a2d
    expect(stateDigest({ a: 1 })).toBe("015abd7f5cc57a2d");
  });
});
