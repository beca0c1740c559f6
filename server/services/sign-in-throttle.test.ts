import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACCOUNT_RULE, addressBucket, SignInThrottle, waitAfterFailures } from "./sign-in-throttle";

// The rules on the library's in-memory store (the Postgres store is exercised by sign-in-throttle.int.test.ts);
// only Date is faked, so the waits are exact.
describe("sign-in throttle", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("after 5 wrong passwords an account waits, doubling per failure, even from new addresses", async () => {
    const t = new SignInThrottle({ store: { kind: "memory" } });
    for (let i = 0; i < 5; i++) await t.recordFailure({ email: "a@x", address: `10.0.0.${i}` });
    expect(await t.waitMs({ email: "a@x", address: "10.0.0.99" })).toBe(0);
    await t.recordFailure({ email: "a@x", address: "10.0.0.6" });
    expect(await t.waitMs({ email: "a@x", address: "10.0.0.99" })).toBe(1_000);
    await t.recordFailure({ email: "a@x", address: "10.0.0.7" });
    expect(await t.waitMs({ email: "a@x", address: "10.0.0.99" })).toBe(2_000);
    expect(await t.waitMs({ email: "b@x", address: "10.0.0.99" })).toBe(0);
    vi.setSystemTime(1_002_000);
    expect(await t.waitMs({ email: "a@x", address: "10.0.0.99" })).toBe(0);
    // The count outlived the wait: the next failure waits twice as long again.
    await t.recordFailure({ email: "a@x", address: "10.0.0.8" });
    expect(await t.waitMs({ email: "a@x", address: "10.0.0.99" })).toBe(4_000);
  });

  it("60 wrong passwords from one address lock that address out of every account for minutes", async () => {
    const t = new SignInThrottle({ store: { kind: "memory" } });
    for (let i = 0; i < 60; i++) await t.recordFailure({ email: `u${i}@x`, address: "1.2.3.4" });
    expect(await t.waitMs({ email: "admin@rods.local", address: "1.2.3.4" })).toBeGreaterThanOrEqual(10 * 60_000);
    expect(await t.waitMs({ email: "admin@rods.local", address: "5.6.7.8" })).toBe(0);
  });

  it("a right password clears the account's count, not the address's", async () => {
    const t = new SignInThrottle({ store: { kind: "memory" }, rules: { account: ACCOUNT_RULE, address: { ...ACCOUNT_RULE, freeFailures: 6 } } });
    for (let i = 0; i < 6; i++) await t.recordFailure({ email: "c@x", address: "9.9.9.9" });
    expect(await t.waitMs({ email: "c@x", address: "8.8.8.8" })).toBe(1_000);
    await t.recordSuccess({ email: "c@x" });
    expect(await t.waitMs({ email: "c@x", address: "8.8.8.8" })).toBe(0);
    await t.recordFailure({ email: "d@x", address: "9.9.9.9" });
    expect(await t.waitMs({ email: "d@x", address: "9.9.9.9" })).toBe(1_000);
  });

  it("waits double from the base up to the cap", () => {
    expect([5, 6, 7, 8, 15, 16, 40].map((n) => waitAfterFailures(ACCOUNT_RULE, n))).toEqual([0, 1_000, 2_000, 4_000, 512_000, 900_000, 900_000]);
  });

  it("counts an IPv4 address as it is and an IPv6 address by its /64", () => {
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2::9")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:3::9")).toBe("2001:db8:1:3::/64");
    expect(addressBucket("unknown")).toBe("unknown");
  });

  it("an IPv6 guesser rotating addresses within its /64 is throttled as one address", async () => {
    const t = new SignInThrottle({ store: { kind: "memory" } });
    for (let i = 0; i < 21; i++) await t.recordFailure({ email: `u${i}@x`, address: `2001:db8:5:6::${(i + 1).toString(16)}` });
    expect(await t.waitMs({ email: "new@x", address: "2001:db8:5:6:ffff::1" })).toBe(1_000);
    expect(await t.waitMs({ email: "new@x", address: "2001:db8:5:7::1" })).toBe(0);
  });
});
