import { describe, expect, it } from "vitest";
import { formatResult, pyFloatRepr, pyJsonDumps, pyRepr, pyStr, PyFloat, PyTuple } from "./py-format";

// Expected strings were printed by CPython 3.11.
describe("pyFloatRepr", () => {
  const cases: Array<[number, string]> = [
    [0.1, "0.1"],
    [1e-5, "1e-05"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [123.456, "123.456"],
    [1 / 3, "0.3333333333333333"],
    [2.5e-7, "2.5e-07"],
    [1.5e300, "1.5e+300"],
    [-0, "-0.0"],
    [0.0001, "0.0001"],
    [12345678901234567, "1.2345678901234568e+16"],
    [1e22, "1e+22"],
    [5e-324, "5e-324"],
    [100, "100.0"],
    [3.14e-5, "3.14e-05"],
    [-2.75, "-2.75"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
  ];
  it.each(cases)("%s", (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });
});

describe("pyStr", () => {
  it("prints scalars like Python", () => {
    expect(pyStr(null)).toBe("None");
    expect(pyStr(true)).toBe("True");
    expect(pyStr(false)).toBe("False");
    expect(pyStr(3)).toBe("3");
    expect(pyStr(new PyFloat(3))).toBe("3.0");
    expect(pyStr(2.5)).toBe("2.5");
    expect(pyStr("plain text")).toBe("plain text");
    expect(pyStr(1e21)).toBe("1000000000000000000000");
  });

  it("uses repr inside containers with Python's quote choice", () => {
    expect(pyStr({ a: 1, b: [1, new PyFloat(2), "x"], c: new PyTuple([1]), d: new PyTuple([]) })).toBe(
      "{'a': 1, 'b': [1, 2.0, 'x'], 'c': (1,), 'd': ()}",
    );
    expect(pyStr(["it's"])).toBe(`["it's"]`);
    expect(pyStr(['a"b\'c'])).toBe(`['a"b\\'c']`);
    expect(pyRepr("tab\tnl\n\x01\x7f é \u2028 😀 \xa0")).toBe("'tab\\tnl\\n\\x01\\x7f é \\u2028 😀 \\xa0'");
    expect(pyStr(new PyTuple([1, "a"]))).toBe("(1, 'a')");
    expect(pyStr(new Map<unknown, unknown>([[0, "x"], ["k", null]]))).toBe("{0: 'x', 'k': None}");
    expect(pyStr([])).toBe("[]");
    expect(pyStr({})).toBe("{}");
  });
});

describe("pyJsonDumps", () => {
  it("matches json.dumps defaults", () => {
    expect(pyJsonDumps({ a: "é😀\x7f\"\\", b: [1, 2.5, null, true] })).toBe(
      '{"a": "\\u00e9\\ud83d\\ude00\\u007f\\"\\\\", "b": [1, 2.5, null, true]}',
    );
    expect(pyJsonDumps(new Map<unknown, unknown>([[1, NaN], [null, Infinity]]))).toBe('{"1": NaN, "null": Infinity}');
    expect(pyJsonDumps({ x: new PyFloat(5), t: new PyTuple([1, 2]), s: "a\nb\tc" })).toBe(
      '{"x": 5.0, "t": [1, 2], "s": "a\\nb\\tc"}',
    );
    expect(pyJsonDumps({})).toBe("{}");
  });
});

describe("formatResult", () => {
  it("applies the README rule", () => {
    expect(formatResult("as is")).toBe("as is");
    expect(formatResult({ result: new PyFloat(5) })).toBe('{"result": 5.0}');
    expect(formatResult(null)).toBe("None");
    expect(formatResult([1, 2])).toBe("[1, 2]");
    expect(formatResult([{ a: 1 }])).toBe("[{'a': 1}]");
    expect(formatResult(true)).toBe("True");
  });
});
