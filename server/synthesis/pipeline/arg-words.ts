// How users speak of tool arguments, shared by both backends: which arguments a sentence conveys in words
// rather than as literal values (enums, flags), the nouns for ids (references such as "that booking"), and the
// nouns a miss_param question uses for the value it leaves out ("the file I'll give you next").

/** Arguments a phrase conveys in words rather than as a literal value (enums, flags). */
export const IMPLIED_ARGS: Readonly<Record<string, readonly string[]>> = {
  du: ["human_readable"], ls: ["a"], wc: ["mode"], cd: ["folder:.."],
  activateParkingBrake: ["mode"], adjustClimateControl: ["unit", "mode"], displayCarStatus: ["option"], lockDoors: ["unlock", "door"],
  setCruiseControl: ["activate"], setHeadlights: ["mode"], startEngine: ["ignitionMode"],
  place_order: ["order_type"], get_flight_cost: ["travel_class"], book_flight: ["travel_class"],
};

export function isImpliedArg(tool: string, param: string, value: unknown): boolean {
  const list = IMPLIED_ARGS[tool] ?? [];
  return list.includes(param) || list.includes(`${param}:${String(value)}`);
}

/** Parameters holding ids: written as a noun phrase, and as a reference ("that booking") once known. */
export const ID_NOUNS: Readonly<Record<string, string>> = {
  access_token: "access token", booking_id: "booking", card_id: "card", order_id: "order", tweet_id: "tweet",
  ticket_id: "ticket", receiver_id: "user", user_id: "user", insurance_id: "insurance",
};

/** Nouns for the values a user may leave out of a request (ids, flags and unit-bound numbers are never left out). */
const OMITTABLE_NOUNS: Readonly<Record<string, string>> = {
  file_name: "file", file_name1: "first file", file_name2: "second file", folder: "folder", source: "item", destination: "destination",
  dir_name: "folder name", content: "text", pattern: "search text", name: "name", path: "path",
  a: "first number", b: "second number", number: "number", value: "value", base: "base", exponent: "exponent", part: "part", whole: "whole",
  unit_in: "unit", unit_out: "target unit",
  user_name: "contact name", user: "user name", keyword: "keyword", message: "message", username: "username", password: "password",
  comment_content: "reply", username_to_follow: "account", username_to_unfollow: "account", mentioned_usernames: "accounts", tags: "hashtags", mentions: "accounts",
  title: "title", description: "description", status: "status", resolution: "resolution note",
  stock: "stock", stocks: "stocks", symbol: "stock symbol", sector: "sector", min_price: "lowest price", max_price: "highest price",
  threshold: "threshold", start_date: "start date", end_date: "end date", price: "price",
  client_id: "client ID", client_secret: "client secret", refresh_token: "refresh token", grant_type: "access scope",
  user_first_name: "first name", user_last_name: "last name", first_name: "first name", last_name: "last name",
  travel_date: "travel date", travel_from: "departure airport", travel_to: "destination airport", base_currency: "currency", target_currency: "target currency",
  location: "city", insurance_type: "insurance type", insurance_cost: "insurance cost", card_number: "card number", expiration_date: "expiration date",
  cardholder_name: "cardholder name", card_verification_number: "security code", budget_limit: "budget limit", date_of_birth: "date of birth",
  passport_number: "passport number", messages: "log messages", cityA: "first zip code", cityB: "second zip code", city: "city", amount: "amount",
};

/** Tools whose `amount` counts shares, written with a unit word after it. */
const UNIT_BOUND: ReadonlySet<string> = new Set(["place_order.amount"]);

/** The noun for a value a miss_param question may leave out, or undefined when it must always be stated. */
export function omittableNoun(tool: string, param: string): string | undefined {
  if (param in ID_NOUNS || UNIT_BOUND.has(`${tool}.${param}`)) return undefined;
  return OMITTABLE_NOUNS[param];
}
