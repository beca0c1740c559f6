// Unit tests of TravelAPI; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createTravelAPI } from "./travel-api";

describe("TravelAPI snapshot/restore", () => {
  it("snapshot and restore round-trip the state and the random stream", () => {
    const api = createTravelAPI();
    api.loadScenario({ access_token: "tok", budget_limit: 0, credit_card_list: { c1: { balance: 1000 } } }, false);
    const snap = api.snapshot();
    const first = api.tools.register_credit_card({
      access_token: "tok",
      card_number: "1",
      expiration_date: "01/30",
      cardholder_name: "A",
      card_verification_number: 1,
    });
    api.restore(snap);
    expect(api.publicState().credit_card_list).toEqual({ c1: { balance: 1000 } });
    const again = api.tools.register_credit_card({
      access_token: "tok",
      card_number: "1",
      expiration_date: "01/30",
      cardholder_name: "A",
      card_verification_number: 1,
    });
    expect(again).toEqual(first);
  });
});
