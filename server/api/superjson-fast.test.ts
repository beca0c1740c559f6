import superjson from "superjson";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serializeFast } from "./superjson-fast";

/**
 * Same json and meta (meta's paths may come in another order: superjson's object puts integer-like paths first at
 * each level; each path's annotation stands alone), and the browser's superjson decodes the text to the same value.
 */
function expectSameAsSuperjson(value: unknown) {
  const ours = serializeFast(value);
  const theirs = superjson.serialize(value);
  expect(ours).toEqual(theirs);
  expect(JSON.stringify(ours.json)).toBe(JSON.stringify(theirs.json));
  expect(superjson.deserialize(JSON.parse(JSON.stringify(ours)))).toEqual(superjson.deserialize(JSON.parse(JSON.stringify(theirs))));
}

/** A small seeded generator (mulberry32), so a failure is reproducible. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(next: () => number, depth = 0): unknown {
  const r = next();
  if (depth > 3 || r < 0.4) {
    const leaves = [null, undefined, true, false, 0, 1.5, -7, 1e21, "", "a.b", "back\\slash", "ü", new Date(Math.floor(next() * 2e12))];
    return leaves[Math.floor(next() * leaves.length)];
  }
  const n = Math.floor(next() * 5);
  if (r < 0.7) return Array.from({ length: n }, () => randomValue(next, depth + 1));
  const keys = ["x", "a.b", "c\\d", "0", "finishedAt", "k.1.2", ""];
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [keys[Math.floor(next() * keys.length)]! + (i % 2 ? i : ""), randomValue(next, depth + 1)]));
}

describe("serializeFast", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gives superjson's result for plain values, Dates and undefined, without calling superjson", () => {
    const spy = vi.spyOn(superjson, "serialize");
    const cases: unknown[] = [
      null,
      undefined,
      true,
      0,
      "text",
      new Date("2026-11-26T12:00:00Z"),
      [],
      {},
      [1, undefined, null, new Date(0)],
      { a: { "b.c": [{ "d\\e": new Date(5) }, undefined] }, f: undefined, g: null },
      Object.assign(Object.create(null) as object, { nullProto: 1 }),
      // The monitor's shapes: series rows with a Date each, a distribution of many points.
      Array.from({ length: 240 }, (_, i) => ({ step: i, meanReward: i / 240, synthesizedHard: null, finishedAt: i % 7 ? new Date(1_700_000_000_000 + i) : null })),
      { stepIndex: 3, points: Array.from({ length: 800 }, (_, i) => ({ taskId: `t${i}`, mean: i / 800, region: "boundary", isSeed: i % 2 === 0 })), isSampled: false },
    ];
    for (const value of cases) expectSameAsSuperjson(value);
    expect(spy).toHaveBeenCalledTimes(cases.length); // only by the comparison
  });

  it("gives superjson's result for 500 random trees", () => {
    const next = random(12);
    for (let i = 0; i < 500; i++) expectSameAsSuperjson(randomValue(next));
  });

  it("hands what it does not cover to superjson: Map, Set, BigInt, NaN, ±Infinity, -0, repeated objects, holes, class instances", () => {
    const spy = vi.spyOn(superjson, "serialize");
    const shared = { same: 1 };
    const date = new Date(7);
    class Point {
      constructor(public x: number) {}
    }
    const cases: unknown[] = [
      new Map([["a", 1]]),
      { s: new Set([1]) },
      { n: 10n },
      [Number.NaN],
      { i: Number.POSITIVE_INFINITY, j: Number.NEGATIVE_INFINITY },
      { z: -0 },
      { a: shared, b: shared },
      [date, date],
      [1, , 3],
      { p: new Point(1) },
      { r: /x/g },
      { e: new Error("boom") },
      { u: new URL("http://example.org/") },
      { d: new Date(Number.NaN) },
    ];
    for (const value of cases) expectSameAsSuperjson(value);
    expect(spy).toHaveBeenCalledTimes(cases.length * 2); // once through serializeFast, once by the comparison
  });

  it("refuses keys that could pollute prototypes, as superjson does", () => {
    const value = JSON.parse('{"a": {"__proto__": {"x": 1}}}') as unknown;
    expect(() => superjson.serialize(value)).toThrow(/prototype pollution/);
    expect(() => serializeFast(value)).toThrow(/prototype pollution/);
  });
});
