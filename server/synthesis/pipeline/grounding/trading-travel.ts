// Grounders of TradingBot (symbols, prices, orders and the balance from the state) and TravelAPI (the access
// token, cards and bookings from the state, routes, airports, cities and currencies from the class tables).
import { classTable } from "../../../envs/bfcl/data";
import { asRecord, classState, randInt, resultNumbers, resultsOf, round2, sample, type Grounder, type GroundingContext } from "./context";

// ---- TradingBot ----

function stocks(ctx: GroundingContext): [string, number][] {
  const out: [string, number][] = [];
  for (const [sym, info] of Object.entries(asRecord(classState(ctx, "TradingBot").stocks))) {
    const price = asRecord(info).price;
    if (typeof price === "number") out.push([sym, price]);
  }
  return out;
}

function watchlist(ctx: GroundingContext): string[] {
  const w = classState(ctx, "TradingBot").watch_list;
  return (Array.isArray(w) ? w : []).filter((s): s is string => typeof s === "string");
}

function orders(ctx: GroundingContext): { id: number; status: string }[] {
  const out: { id: number; status: string }[] = [];
  for (const o of Object.values(asRecord(classState(ctx, "TradingBot").orders))) {
    const r = asRecord(o);
    if (typeof r.id === "number") out.push({ id: r.id, status: String(r.status) });
  }
  return out.sort((a, b) => b.id - a.id);
}

function balance(ctx: GroundingContext): number {
  const b = asRecord(classState(ctx, "TradingBot").account_info).balance;
  return typeof b === "number" ? b : 0;
}

let symbolMapCache: Record<string, string> | undefined;
function symbolMap(): Record<string, string> {
  symbolMapCache ??= classTable("trading_bot:TradingBot.get_symbol_by_name:symbol_map") as Record<string, string>;
  return symbolMapCache;
}

/** Symbols recently listed by a result (a dependency) first, then any known ones. */
function symbols(ctx: GroundingContext, k: number): string[] {
  const known = new Set(stocks(ctx).map(([s]) => s));
  const listed: string[] = [];
  for (const r of resultsOf(ctx, ["get_available_stocks", "get_symbol_by_name", "get_watchlist", "filter_stocks_by_price"])) {
    const rec = asRecord(r);
    const vals = [rec.stock_list, rec.symbol, rec.watchlist, rec.filtered_stocks].flat();
    for (const v of vals) if (typeof v === "string" && known.has(v) && !listed.includes(v)) listed.push(v);
  }
  return [...listed.slice(0, 2), ...sample(ctx, [...known].filter((s) => !listed.includes(s)), k)].slice(0, k);
}

export const TRADING_GROUNDERS: Record<string, Grounder> = {
  get_current_time: () => [{}],
  get_watchlist: () => [{}],
  get_order_history: () => [{}],
  get_account_info: () => [{}],
  trading_get_login_status: () => [{}],
  trading_logout: () => [{}],
  trading_login: (ctx) => [{ username: ctx.rng.pick(["trader_jane", "jsmith", "alex_invests"]), password: `Secure${randInt(ctx, 100, 999)}!` }],
  get_symbol_by_name: (ctx) => {
    const known = new Set(stocks(ctx).map(([s]) => s));
    return sample(ctx, Object.entries(symbolMap()).filter(([, s]) => known.has(s)), 3).map(([name]) => ({ name }));
  },
  get_stock_info: (ctx) => symbols(ctx, 4).map((symbol) => ({ symbol })),
  get_available_stocks: (ctx) => sample(ctx, ["Technology", "Automobile"], 2).map((sector) => ({ sector })),
  filter_stocks_by_price: (ctx) => {
    const prices = new Map(stocks(ctx));
    return [0, 1].map(() => {
      const list = symbols(ctx, randInt(ctx, 2, 4));
      const ps = list.map((s) => prices.get(s) ?? 0).sort((a, b) => a - b);
      const mid = ps[Math.floor(ps.length / 2)] ?? 100;
      return { stocks: list, min_price: Math.max(0, Math.floor(mid / 2 / 10) * 10), max_price: Math.ceil((mid * 1.5) / 10) * 10 };
    });
  },
  notify_price_change: (ctx) => [0, 1].map(() => ({ stocks: symbols(ctx, randInt(ctx, 2, 4)), threshold: ctx.rng.pick([0.05, 0.1, 0.2, 1, 2.5]) })),
  add_to_watchlist: (ctx) => {
    const w = new Set(watchlist(ctx));
    return symbols(ctx, 5).filter((s) => !w.has(s)).slice(0, 3).map((stock) => ({ stock }));
  },
  remove_stock_from_watchlist: (ctx) => sample(ctx, watchlist(ctx), 3).map((symbol) => ({ symbol })),
  place_order: (ctx) => {
    const prices = new Map(stocks(ctx));
    return symbols(ctx, 3).map((symbol) => {
      const price = prices.get(symbol) ?? 100;
      const order_type = ctx.rng.next() < 0.7 ? "Buy" : "Sell";
      const amount = Math.max(1, Math.min(randInt(ctx, 1, 50), Math.floor((balance(ctx) * 0.8) / price) || 1));
      return { order_type, symbol, price, amount };
    });
  },
  cancel_order: (ctx) => orders(ctx).filter((o) => o.status !== "Completed" && o.status !== "Cancelled").slice(0, 3).map((o) => ({ order_id: o.id })),
  get_order_details: (ctx) => {
    const all = orders(ctx);
    return [...all.slice(0, 2), ...sample(ctx, all.slice(2), 1)].map((o) => ({ order_id: o.id }));
  },
  fund_account: (ctx) => sample(ctx, [500, 1000, 2000, 2500, 5000], 2).map((amount) => ({ amount })),
  withdraw_funds: (ctx) => {
    const b = balance(ctx);
    if (b <= 1) return [];
    return sample(ctx, [0.1, 0.2, 0.25, 0.5], 2).map((f) => ({ amount: Math.max(1, Math.floor((b * f) / 10) * 10) }));
  },
  get_transaction_history: (ctx) => [{}, { start_date: "2024-09-01", end_date: `2024-09-${String(randInt(ctx, 10, 30)).padStart(2, "0")}` }],
};

// ---- TravelAPI ----

const MODULE = "travel_booking";
let routesCache: { from: string; to: string; cost: number }[] | undefined;
function routes() {
  routesCache ??= Object.entries(classTable(`${MODULE}:TravelAPI.get_flight_cost:base_costs`) as Record<string, number>).map(([k, cost]) => {
    const [from, to] = k.split("|");
    return { from, to, cost };
  });
  return routesCache;
}
const airportMap = () => classTable(`${MODULE}:TravelAPI.get_nearest_airport_by_city:airport_map`) as Record<string, string>;
const exchangeRates = () => Object.keys(classTable(`${MODULE}:TravelAPI.compute_exchange_rate:exchange_rates`) as Record<string, number>).map((k) => k.split("|"));
const CLASS_FACTORS: Readonly<Record<string, number>> = { economy: 1, business: 2, first: 5 };
const FIRST_NAMES = ["Morgan", "Taylor", "Jordan", "Casey"];
const LAST_NAMES = ["Lee", "Rivera", "Patel", "Nguyen"];

function travel(ctx: GroundingContext) {
  const s = classState(ctx, "TravelAPI");
  const token = typeof s.access_token === "string" ? s.access_token : undefined;
  const cards: { id: string; balance: number; holder: string }[] = [];
  for (const [id, c] of Object.entries(asRecord(s.credit_card_list))) {
    const r = asRecord(c);
    cards.push({ id, balance: typeof r.balance === "number" ? r.balance : 0, holder: typeof r.cardholder_name === "string" ? r.cardholder_name : "" });
  }
  const bookings = Object.keys(asRecord(s.booking_record));
  const first = typeof s.user_first_name === "string" ? s.user_first_name : undefined;
  const last = typeof s.user_last_name === "string" ? s.user_last_name : undefined;
  const budget = typeof s.budget_limit === "number" ? s.budget_limit : undefined;
  return { token, cards: cards.reverse(), bookings: bookings.reverse(), first, last, budget };
}

/** The token to use: the state's (set in the config or by an earlier authentication), else one a patch must set. */
function tokenOf(ctx: GroundingContext): string {
  return travel(ctx).token ?? "tok_7f3a9c21";
}

/** A card to charge: the state's, newest first; none yet means a card a patch must register. */
function cardIds(ctx: GroundingContext, k = 2): string[] {
  const cards = travel(ctx).cards.map((c) => c.id);
  return cards.length ? cards.slice(0, k) : ["card_4821"];
}

function travelDate(ctx: GroundingContext): string {
  return `2026-${String(randInt(ctx, 1, 12)).padStart(2, "0")}-${String(randInt(ctx, 1, 28)).padStart(2, "0")}`;
}

function dateMultiplier(date: string): number {
  const sum = [...date].filter((c) => /\d/.test(c)).reduce((a, c) => a + Number(c), 0);
  return sum % 2 === 0 ? 2 : 1;
}

/** Airports a result named (a dependency) first. */
function namedAirports(ctx: GroundingContext): string[] {
  const out: string[] = [];
  for (const r of resultsOf(ctx, ["get_nearest_airport_by_city"])) {
    const a = asRecord(r).nearest_airport;
    if (typeof a === "string" && !out.includes(a)) out.push(a);
  }
  return out;
}

function flights(ctx: GroundingContext, k: number) {
  const named = namedAirports(ctx);
  const preferred = routes().filter((r) => named.includes(r.from) || named.includes(r.to));
  const picks = [...sample(ctx, preferred, 2), ...sample(ctx, routes(), k)].slice(0, k);
  return picks.map((r) => {
    const travel_class = ctx.rng.pick(["economy", "economy", "business", "first"]);
    const travel_date = travelDate(ctx);
    return { travel_from: r.from, travel_to: r.to, travel_date, travel_class, cost: r.cost * CLASS_FACTORS[travel_class] * dateMultiplier(travel_date) };
  });
}

function amounts(ctx: GroundingContext, fallback: number[]): number[] {
  const fromResults = resultNumbers(ctx).filter((n) => n > 1 && n < 1e6).slice(0, 2);
  return [...fromResults, ...sample(ctx, fallback, 2)];
}

export const TRAVEL_GROUNDERS: Record<string, Grounder> = {
  travel_get_login_status: () => [{}],
  get_budget_fiscal_year: () => [{}],
  list_all_airports: () => [{}],
  get_all_credit_cards: () => [{}],
  authenticate_travel: (ctx) => {
    const t = travel(ctx);
    return [0, 1].map(() => ({
      client_id: `client_${randInt(ctx, 1000, 9999)}`,
      client_secret: `secret_${randInt(ctx, 10000, 99999)}`,
      refresh_token: `refresh_${randInt(ctx, 1000, 9999)}`,
      grant_type: ctx.rng.pick(["read_write", "read", "write"]),
      user_first_name: t.first ?? ctx.rng.pick(FIRST_NAMES),
      user_last_name: t.last ?? ctx.rng.pick(LAST_NAMES),
    }));
  },
  register_credit_card: (ctx) => {
    const t = travel(ctx);
    const holder = t.first && t.last ? `${t.first} ${t.last}` : `${ctx.rng.pick(FIRST_NAMES)} ${ctx.rng.pick(LAST_NAMES)}`;
    return [0, 1].map(() => ({
      access_token: tokenOf(ctx),
      card_number: `4${Array.from({ length: 15 }, () => ctx.rng.int(10)).join("")}`,
      expiration_date: `${String(randInt(ctx, 1, 12)).padStart(2, "0")}/20${randInt(ctx, 27, 31)}`,
      cardholder_name: holder,
      card_verification_number: randInt(ctx, 100, 999),
    }));
  },
  get_flight_cost: (ctx) => flights(ctx, 3).map(({ cost: _cost, ...f }) => f),
  get_credit_card_balance: (ctx) => cardIds(ctx).map((card_id) => ({ access_token: tokenOf(ctx), card_id })),
  book_flight: (ctx) => {
    const cards = travel(ctx).cards;
    return flights(ctx, 4)
      .map(({ cost, ...f }) => {
        // Prefer a card that covers the fare; with none, the first card (a patch adds the funds).
        const card = cards.find((c) => c.balance >= cost) ?? cards[0];
        return { access_token: tokenOf(ctx), card_id: card?.id ?? cardIds(ctx)[0], ...f, affordable: card ? card.balance >= cost : false };
      })
      .sort((a, b) => Number(b.affordable) - Number(a.affordable))
      .map(({ affordable: _a, ...args }) => args);
  },
  retrieve_invoice: (ctx) => travel(ctx).bookings.slice(0, 2).map((booking_id) => ({ access_token: tokenOf(ctx), booking_id })),
  cancel_booking: (ctx) => travel(ctx).bookings.slice(0, 2).map((booking_id) => ({ access_token: tokenOf(ctx), booking_id })),
  get_booking_history: (ctx) => [{ access_token: tokenOf(ctx) }],
  contact_customer_support: (ctx) =>
    travel(ctx).bookings.slice(0, 2).map((booking_id) => ({
      booking_id,
      message: ctx.rng.pick(["I need to change my seat.", "Please confirm my baggage allowance.", "My invoice shows the wrong date."]),
    })),
  compute_exchange_rate: (ctx) =>
    amounts(ctx, [100, 250, 500, 1200, 3000]).map((value) => {
      const [a, b] = ctx.rng.pick(exchangeRates());
      return ctx.rng.next() < 0.5 ? { base_currency: a, target_currency: b, value } : { base_currency: b, target_currency: a, value };
    }),
  get_nearest_airport_by_city: (ctx) => sample(ctx, Object.keys(airportMap()), 3).map((location) => ({ location })),
  set_budget_limit: (ctx) => amounts(ctx, [1000, 1500, 2500, 3000, 5000]).map((n) => ({ access_token: tokenOf(ctx), budget_limit: round2(n) })),
  purchase_insurance: (ctx) => {
    const t = travel(ctx);
    if (!t.bookings.length) return [];
    const cap = t.budget ?? 500;
    return sample(ctx, [50, 100, 150, 200, 300], 2)
      .filter((c) => c <= cap)
      .map((insurance_cost) => ({
        access_token: tokenOf(ctx),
        insurance_type: ctx.rng.pick(["comprehensive", "cancellation", "health"]),
        insurance_cost,
        booking_id: t.bookings[0],
        card_id: cardIds(ctx)[0],
      }));
  },
  verify_traveler_information: (ctx) => {
    const t = travel(ctx);
    return [0, 1].map(() => ({
      first_name: t.first ?? ctx.rng.pick(FIRST_NAMES),
      last_name: t.last ?? ctx.rng.pick(LAST_NAMES),
      date_of_birth: `19${randInt(ctx, 60, 99)}-${String(randInt(ctx, 1, 12)).padStart(2, "0")}-${String(randInt(ctx, 1, 28)).padStart(2, "0")}`,
      passport_number: `US${randInt(ctx, 1000000, 9999999)}`,
    }));
  },
};
