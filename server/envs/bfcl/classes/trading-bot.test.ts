// Unit tests of TradingBot; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createTradingBot } from "./trading-bot";

describe("TradingBot unit behaviour", () => {
  it("draws transaction timestamps from its seeded generator", () => {
    const api = createTradingBot();
    api.loadScenario({ authenticated: true, market_status: "Open" }, false);
    api.tools.fund_account({ amount: 10 });
    api.tools.withdraw_funds({ amount: 5 });
    api.tools.fund_account({ amount: 1 });
    const history = api.publicState().transaction_history as { timestamp: string }[];
    expect(history.map((t) => t.timestamp)).toEqual(["2024-09-02 05:40:15", "2024-09-01 12:26:34", "2024-09-02 04:29:48"]);
  });

  it("formats required funds with Python's round-half-even .2f", () => {
    const api = createTradingBot();
    api.loadScenario({ authenticated: true, account_info: { account_id: 1, balance: 1, binding_card: 1 } }, false);
    // 0.125 * 1 is an exact binary tie: Python prints 0.12 where toFixed gives 0.13.
    const r = api.tools.place_order({ order_type: "Buy", symbol: "AAPL", price: 0.125, amount: 10 }) as { error: string };
    expect(r.error).toBe("Insufficient funds: required $1.25 but only $1.00 available.");
    const r2 = api.tools.place_order({ order_type: "Buy", symbol: "AAPL", price: 1.125, amount: 1 }) as { error: string };
    expect(r2.error).toBe("Insufficient funds: required $1.12 but only $1.00 available.");
  });

  it("restores a snapshot including the generator", () => {
    const api = createTradingBot();
    api.loadScenario({ authenticated: true }, false);
    const snap = api.snapshot();
    api.tools.fund_account({ amount: 10 });
    const first = JSON.stringify(api.publicState());
    api.restore(snap);
    api.tools.fund_account({ amount: 10 });
    expect(JSON.stringify(api.publicState())).toBe(first);
  });
});
