import { describe, expect, it } from "vitest";
import { clientAddress, SignInThrottle } from "./sign-in-throttle";

describe("sign-in throttle", () => {
  it("after 5 wrong passwords an account waits, doubling per failure, even from new addresses", () => {
    const t = new SignInThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 5; i++) t.recordFailure({ email: "a@x", address: `10.0.0.${i}`, now });
    expect(t.waitMs({ email: "a@x", address: "10.0.0.99", now })).toBe(0);
    t.recordFailure({ email: "a@x", address: "10.0.0.6", now });
    expect(t.waitMs({ email: "a@x", address: "10.0.0.99", now })).toBe(1_000);
    t.recordFailure({ email: "a@x", address: "10.0.0.7", now });
    expect(t.waitMs({ email: "a@x", address: "10.0.0.99", now })).toBe(2_000);
    expect(t.waitMs({ email: "b@x", address: "10.0.0.99", now })).toBe(0);
    expect(t.waitMs({ email: "a@x", address: "10.0.0.99", now: now + 2_000 })).toBe(0);
  });

  it("60 wrong passwords from one address lock that address out of every account for minutes", () => {
    const t = new SignInThrottle();
    const now = 5_000_000;
    for (let i = 0; i < 60; i++) t.recordFailure({ email: `u${i}@x`, address: "1.2.3.4", now });
    expect(t.waitMs({ email: "admin@rods.local", address: "1.2.3.4", now })).toBeGreaterThanOrEqual(10 * 60_000);
    expect(t.waitMs({ email: "admin@rods.local", address: "5.6.7.8", now })).toBe(0);
  });

  it("the client address is the entry the nearest proxy appended", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6, 10.1.2.3" }))).toBe("10.1.2.3");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
