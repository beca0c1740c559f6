import { describe, expect, it } from "vitest";
import { PyRandom } from "./py-random";

// Expected values were printed by CPython 3.11's random.Random with the same seed and call order.
describe("PyRandom", () => {
  it("matches randint, random, getrandbits for seed 1337", () => {
    const r = new PyRandom(1337);
    expect([1, 2, 3, 4, 5].map(() => r.randint(1, 100))).toEqual([80, 69, 91, 47, 74]);
    expect(r.random()).toBe(0.5857873539022715);
    expect(r.getrandbits(70)).toBe(973530600912370432863n);
    expect(r.randint(10000000, 99999999)).toBe(54666227);
  });

  it("matches random and randrange with steps for seed 0", () => {
    const r = new PyRandom(0);
    expect(r.random()).toBe(0.8444218515250481);
    expect(r.randrange(10)).toBe(6);
    expect(r.randrange(0, 100, 7)).toBe(0);
    expect(r.randrange(50, 0, -3)).toBe(26);
  });

  it("seeds from multi-word and negative ints", () => {
    expect(new PyRandom(2 ** 40 + 12345).randint(100000, 999999)).toBe(425438);
    expect(new PyRandom(-42).random()).toBe(0.6394267984578837);
  });

  it("matches shuffle, choice, sample and uniform for seed 7", () => {
    const r = new PyRandom(7);
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    r.shuffle(x);
    expect(x).toEqual([8, 3, 1, 4, 7, 0, 9, 6, 2, 5]);
    expect(r.choice([..."abcdef"])).toBe("e");
    expect(r.sample(Array.from({ length: 100 }, (_, i) => i), 10)).toEqual([27, 4, 11, 55, 53, 8, 30, 70, 54, 7]);
    expect(r.sample(Array.from({ length: 20 }, (_, i) => i), 5)).toEqual([18, 3, 7, 1, 12]);
    expect(r.uniform(1.5, 3.5)).toBe(1.599178626779543);
  });

  it("handles ranges wider than 32 bits and getrandbits edge sizes", () => {
    const r = new PyRandom(3);
    expect(r.randint(0, 2 ** 40)).toBe(285805288266);
    expect(r.getrandbits(32)).toBe(1588945316n);
    expect(r.getrandbits(0)).toBe(0n);
    expect(r.getrandbits(64)).toBe(11140358456303377397n);
  });

  it("restores state exactly", () => {
    const r = new PyRandom(99);
    r.random();
    const saved = r.getState();
    const a = [r.randint(1, 1000), r.randint(1, 1000)];
    r.setState(saved);
    expect([r.randint(1, 1000), r.randint(1, 1000)]).toEqual(a);
    const c = r.clone();
    expect(c.random()).toBe(r.random());
  });
});
