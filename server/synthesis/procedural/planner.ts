// Stage 1, plan (procedural): a new call sequence with the seed's structure. Every call keeps the class of the
// seed's call at the same position (so turns, classes per turn and calls per turn match); its function is
// resampled among the class's tools, favouring functions that consume what earlier calls produce when the seed
// has dependencies (and avoiding them when it has none), and never repeating the seed's plan exactly.
import { toolDoc } from "../../envs/bfcl/tool-docs";
import type { Rng } from "../../rods/random";
import { IMPLIED_ARGS, omittableNoun } from "../pipeline/arg-words";
import { plannableTools } from "../pipeline/grounding";
import { SynthesisFailure, type PlannedCall, type SeedLayout, type TaskPlan } from "../pipeline/model";

/** Kinds of values a tool's result offers to later calls. */
const PRODUCES: Readonly<Record<string, readonly string[]>> = {
  ls: ["file", "dir"], find: ["file", "dir"],
  list_users: ["user_name"], get_user_id: ["user_id"], add_contact: ["user_id"],
  post_tweet: ["tweet_id"], get_user_tweets: ["tweet_id", "handle"], search_tweets: ["tweet_id", "handle"], list_all_following: ["handle"], get_tweet: ["handle"],
  create_ticket: ["ticket_id"], get_user_tickets: ["ticket_id"],
  get_available_stocks: ["symbol"], get_symbol_by_name: ["symbol"], get_watchlist: ["symbol"], add_to_watchlist: ["symbol"], filter_stocks_by_price: ["symbol"],
  get_stock_info: ["number"], get_account_info: ["number"], fund_account: ["number"], withdraw_funds: ["number"],
  place_order: ["order_id"], get_order_history: ["order_id"],
  authenticate_travel: ["token"], get_nearest_airport_by_city: ["airport"], register_credit_card: ["card_id"], get_all_credit_cards: ["card_id"],
  book_flight: ["booking_id"], get_booking_history: ["booking_id"], get_flight_cost: ["number"], compute_exchange_rate: ["number"], get_credit_card_balance: ["number"],
  get_zipcode_based_on_city: ["zipcode"], estimate_distance: ["number", "distance"], find_nearest_tire_shop: ["address"],
  gallon_to_liter: ["number"], liter_to_gallon: ["number"], get_current_speed: ["number"], check_tire_pressure: ["number"],
  absolute_value: ["number"], add: ["number"], subtract: ["number"], multiply: ["number"], divide: ["number"], power: ["number"],
  percentage: ["number"], round_number: ["number"], square_root: ["number"], logarithm: ["number"], mean: ["number"], sum_values: ["number"],
  max_value: ["number"], min_value: ["number"], standard_deviation: ["number"], imperial_si_conversion: ["number"], si_unit_conversion: ["number"],
};

/** Kinds of values a tool's arguments can take from earlier results. */
const CONSUMES: Readonly<Record<string, readonly string[]>> = {
  cd: ["dir"], cat: ["file"], sort: ["file"], wc: ["file"], tail: ["file"], grep: ["file"], diff: ["file"], rm: ["file"], mv: ["file", "dir"], cp: ["file", "dir"], rmdir: ["dir"], echo: ["file"],
  get_user_id: ["user_name"], send_message: ["user_id"], message_login: ["user_id"], delete_message: ["user_id"],
  retweet: ["tweet_id"], comment: ["tweet_id"], mention: ["tweet_id"], get_tweet: ["tweet_id"], get_tweet_comments: ["tweet_id"],
  unfollow_user: ["handle"], get_user_stats: ["handle"], get_user_tweets: ["handle"], follow_user: ["handle"],
  get_ticket: ["ticket_id"], close_ticket: ["ticket_id"], resolve_ticket: ["ticket_id"], edit_ticket: ["ticket_id"],
  get_stock_info: ["symbol"], add_to_watchlist: ["symbol"], remove_stock_from_watchlist: ["symbol"], place_order: ["symbol", "number"],
  filter_stocks_by_price: ["symbol"], notify_price_change: ["symbol"], cancel_order: ["order_id"], get_order_details: ["order_id"],
  book_flight: ["token", "airport", "card_id"], get_flight_cost: ["airport"], cancel_booking: ["token", "booking_id"], retrieve_invoice: ["token", "booking_id"],
  contact_customer_support: ["booking_id"], purchase_insurance: ["token", "booking_id", "card_id"], get_credit_card_balance: ["token", "card_id"],
  get_booking_history: ["token"], register_credit_card: ["token"], set_budget_limit: ["token", "number"], compute_exchange_rate: ["number"],
  estimate_distance: ["zipcode"], estimate_drive_feasibility_by_mileage: ["distance", "number"], set_navigation: ["address"],
  gallon_to_liter: ["number"], liter_to_gallon: ["number"],
  absolute_value: ["number"], add: ["number"], subtract: ["number"], multiply: ["number"], divide: ["number"], power: ["number"],
  percentage: ["number"], round_number: ["number"], square_root: ["number"], logarithm: ["number"], mean: ["number"], sum_values: ["number"],
  max_value: ["number"], min_value: ["number"], standard_deviation: ["number"], imperial_si_conversion: ["number"], si_unit_conversion: ["number"],
};

/** Tools that say little on their own: planned less often. */
const DULL = new Set([
  "pwd", "du", "get_current_time", "get_budget_fiscal_year", "message_get_login_status", "posting_get_login_status", "ticket_get_login_status",
  "trading_get_login_status", "travel_get_login_status", "list_all_airports", "get_all_credit_cards", "trading_login", "trading_logout", "logout",
]);

function weightOf(name: string, produced: ReadonlySet<string>, inTurn: readonly string[], wantsDependencies: boolean): number {
  let w = DULL.has(name) ? 0.3 : 1;
  if (inTurn.includes(name)) w *= 0.15;
  const usesEarlier = (CONSUMES[name] ?? []).some((k) => produced.has(k));
  if (usesEarlier) w *= wantsDependencies ? 3 : 0.6;
  return w;
}

/** True when the tool needs a value a user states in words (what a miss_param turn can leave out). */
function hasStatedValue(name: string): boolean {
  const doc = toolDoc(name)?.doc;
  const implied = IMPLIED_ARGS[name] ?? [];
  return (doc?.parameters.required ?? []).some((p) => omittableNoun(name, p) !== undefined && !implied.includes(p));
}

function weightedPick(rng: Rng, names: readonly string[], weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < names.length; i++) {
    r -= weights[i];
    if (r <= 0) return names[i];
  }
  return names[names.length - 1];
}

export function planProcedurally(layout: SeedLayout, rng: Rng): TaskPlan {
  const wantsDependencies = layout.dependencyDepth > 0;
  const produced = new Set<string>();
  // The turn after a miss_param question must open with a call whose value the question can leave out.
  const answerTurns = new Set(layout.turns.filter((t) => t.role === "ask_param").map((t) => t.index + 1));
  const usedBefore = new Set<string>();
  const turns: PlannedCall[][] = layout.turns.map((turn) => {
    if (turn.role !== "act") return [];
    const names: string[] = [];
    // A miss_func release turn must open with a function no earlier turn used (it is the one held back).
    const needsFresh = turn.isRelease;
    const calls = turn.callClasses.map((className, slot) => {
      const tools = plannableTools(className);
      if (!tools.length) throw new SynthesisFailure("func_sample_failed", `class ${className} has no function to plan`, "plan");
      const needsValue = slot === 0 && answerTurns.has(turn.index);
      const weights = tools.map(
        (n) =>
          weightOf(n, produced, names, wantsDependencies) *
          (needsValue ? (hasStatedValue(n) ? 4 : 0.05) : 1) *
          (needsFresh && slot === 0 && usedBefore.has(n) ? 0.02 : 1),
      );
      const name = weightedPick(rng, tools, weights);
      names.push(name);
      for (const k of PRODUCES[name] ?? []) produced.add(k);
      return { className, name };
    });
    for (const n of names) usedBefore.add(n);
    return calls;
  });
  const isSeedPlan = layout.turns.every((t) => t.seedNames.join(",") === turns[t.index].map((c) => c.name).join(","));
  if (isSeedPlan) {
    const slots = turns.flatMap((calls, t) => calls.map((_, i) => [t, i] as const));
    const [t, i] = rng.pick(slots);
    const others = plannableTools(turns[t][i].className).filter((n) => n !== turns[t][i].name);
    if (!others.length) throw new SynthesisFailure("func_sample_failed", "every plan of this structure repeats the seed", "plan");
    turns[t][i] = { ...turns[t][i], name: rng.pick(others) };
  }
  return { turns };
}
