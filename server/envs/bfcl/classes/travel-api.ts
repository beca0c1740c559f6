// TravelAPI: BFCL's simulated travel booking system (authentication, flight costs and bookings, credit cards,
// insurance, budget, currency exchange). Behaviour, messages and lookup tables are inferred from the reference
// traces; ids come from the class's seeded random.Random and are drawn in the order the traces imply.
// Numbers: a value known to be a Python float is kept as PyFloat so it prints "400.0"; where the float/int
// distinction is lost (JSON configs, call arguments) the value stays a plain number and prints without ".0".
import { PyException, type BfclApiClass, type PyValue } from "../api-class";
import { classTable, longContextData } from "../data";
import { PyFloat, pyStr } from "../py-format";
import { PyRandom, type PyRandomSnapshot } from "../py-random";
import tables from "./data/travel-tables.json";
import { canonicalValue, configValue, copyValue, pyEq, pyIterate, pyLessThan, pyTypeName } from "./py-semantics";

const CLASS_NAME = "TravelAPI";
const MODULE = "travel_booking";

type Dict = Record<string, unknown>;

interface TravelState {
  creditCardList: Map<string, unknown>;
  bookingRecord: Map<string, unknown>;
  accessToken: unknown;
  tokenType: unknown;
  tokenExpiresIn: unknown;
  tokenScope: unknown;
  userFirstName: unknown;
  userLastName: unknown;
  budgetLimit: unknown;
  longContext: boolean;
}

interface TravelSnapshot {
  state: TravelState;
  rng: PyRandomSnapshot;
}

// ---- Tables (read once) ----

const DEFAULTS = classTable(`${MODULE}::DEFAULT_STATE`) as Readonly<Dict>;
const BASE_COSTS_TABLE = classTable(`${MODULE}:TravelAPI.get_flight_cost:base_costs`) as Readonly<Record<string, number>>;
const VALID_CLASSES = classTable(`${MODULE}:TravelAPI.book_flight:valid_classes`) as readonly string[];
const EXCHANGE_RATES = Object.entries(
  classTable(`${MODULE}:TravelAPI.compute_exchange_rate:exchange_rates`) as Readonly<Record<string, number>>,
).map(([key, rate]) => {
  const [base, target] = key.split("|");
  return { base, target, rate };
});
const AIRPORT_MAP = classTable(`${MODULE}:TravelAPI.get_nearest_airport_by_city:airport_map`) as Readonly<Record<string, string>>;
// list_all_airports is a literal list in the class (its order is not airport_map's), recovered from probe_a.
const ALL_AIRPORTS: readonly string[] = tables.allAirports;

/** Route costs keyed by departure then arrival; values in the table's order for long-context listings. */
const ROUTES = new Map<string, Map<string, number>>();
const ALL_ROUTE_COSTS: number[] = [];
for (const [key, cost] of Object.entries(BASE_COSTS_TABLE)) {
  const [from, to] = key.split("|");
  let row = ROUTES.get(from);
  if (!row) ROUTES.set(from, (row = new Map()));
  row.set(to, cost);
  ALL_ROUTE_COSTS.push(cost);
}

const CLASS_FACTORS: Readonly<Record<string, number>> = { economy: 1, business: 2, first: 5 };
const SUPPORT_MESSAGE =
  "Thank you for contacting customer support. Your message has been received and we will get back to you shortly.";
// verify_traveler_information computes an age against "today"; no trace pins it, so a fixed date stands in.
const TODAY = { year: 2026, month: 3, day: 23 };

// ---- Python semantics for loosely typed arguments ----

function typeError(message: string): PyException {
  return new PyException("TypeError", message);
}

function valueError(message: string): PyException {
  return new PyException("ValueError", message);
}

function isNumeric(v: unknown): v is number | boolean | PyFloat {
  return typeof v === "number" || typeof v === "boolean" || v instanceof PyFloat;
}

function numericValue(v: number | boolean | PyFloat): number {
  return v instanceof PyFloat ? v.value : Number(v);
}

/** True when a value is certainly a Python float (an integral plain number may have been either). */
function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
}

/** A Python float result: integral values keep their ".0" when printed. */
function pyFloat(x: number): PyFloat | number {
  return Number.isInteger(x) ? new PyFloat(x) : x;
}

/** Python a + b / a - b on numbers (int stays int, any float makes a float). */
function pyArith(a: unknown, b: unknown, op: "+" | "-"): PyFloat | number {
  if (!isNumeric(a) || !isNumeric(b)) {
    throw typeError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  const x = op === "+" ? numericValue(a) + numericValue(b) : numericValue(a) - numericValue(b);
  return isFloat(a) || isFloat(b) ? pyFloat(x) : x;
}

/** Python `key in d` for a dict with str keys: other hashables are simply absent, lists and dicts raise. */
function hasKey(d: Map<string, unknown> | Dict, key: unknown): key is string {
  if (typeof key === "string") return d instanceof Map ? d.has(key) : Object.prototype.hasOwnProperty.call(d, key);
  if (key === null || key === undefined || isNumeric(key)) return false;
  if (Array.isArray(key) || typeof key === "object") {
    if (!(key instanceof PyFloat)) throw typeError(`unhashable type: '${pyTypeName(key)}'`);
  }
  return false;
}

/** Python d[key] on a stored record (KeyError / TypeError as CPython raises them). */
function getItem(obj: unknown, key: string): unknown {
  if (obj instanceof Map) {
    if (obj.has(key)) return obj.get(key);
  } else if (obj !== null && typeof obj === "object" && !Array.isArray(obj)) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) return (obj as Dict)[key];
  } else {
    throw typeError(`'${pyTypeName(obj)}' object is not subscriptable`);
  }
  throw new PyException("KeyError", `'${key}'`);
}

function setItem(obj: unknown, key: string, value: unknown): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw typeError(`'${pyTypeName(obj)}' object does not support item assignment`);
  }
  (obj as Dict)[key] = value;
}

/** Python float(x). */
function pyToFloat(v: unknown): number {
  if (isNumeric(v)) return numericValue(v);
  if (typeof v === "string") {
    const s = v.trim();
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
    if (special) {
      if (special[2].toLowerCase() === "nan") return NaN;
      return special[1] === "-" ? -Infinity : Infinity;
    }
    const digits = String.raw`\d(?:_?\d)*`;
    const re = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
    if (re.test(s)) return Number(s.replace(/_/g, ""));
    throw valueError(`could not convert string to float: ${pyStr([v]).slice(1, -1)}`);
  }
  throw typeError(`float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

/** Python round(x, 2) on a float: correctly rounded, ties to even (toFixed breaks exact ties upwards). */
function pyRound2(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 52) return x;
  const eighths = x * 8; // exact: a tie at two decimals means x is an odd multiple of 1/8
  if (Number.isInteger(eighths) && Math.abs(eighths) % 2 === 1) {
    const scaled = x * 100; // exact for such x
    const lo = Math.floor(scaled);
    const even = lo % 2 === 0 ? lo : lo + 1;
    return even / 100;
  }
  return Number.parseFloat(x.toFixed(2));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// datetime.strptime(s, "%Y-%m-%d"): _strptime's regex alternatives in its order, matched from the start only.
const STRPTIME_YMD = /^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])/;

function strptimeYmd(s: unknown): { year: number; month: number; day: number } {
  if (typeof s !== "string") throw typeError(`strptime() argument 1 must be str, not ${pyTypeName(s)}`);
  const m = STRPTIME_YMD.exec(s);
  if (!m) throw valueError(`time data ${pyStr([s]).slice(1, -1)} does not match format '%Y-%m-%d'`);
  if (m[0].length !== s.length) throw valueError(`unconverted data remains: ${s.slice(m[0].length)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3].trim());
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (year < 1) throw valueError(`year ${year} is out of range`);
  if (day > maxDay) throw valueError("day is out of range for month");
  return { year, month, day };
}

/** Python `x in list` for a list of str constants (only an equal str can be in it). */
function inStrings(list: readonly string[], x: unknown): boolean {
  return typeof x === "string" && list.includes(x);
}

// ---- Flight pricing ----

function routeCost(from: unknown, to: unknown): number {
  // (from, to) is hashed as a tuple before the lookup.
  for (const part of [from, to]) {
    if (part !== null && typeof part === "object" && !(part instanceof PyFloat)) {
      throw typeError(`unhashable type: '${pyTypeName(part)}'`);
    }
  }
  const cost = typeof from === "string" && typeof to === "string" ? ROUTES.get(from)?.get(to) : undefined;
  if (cost === undefined) throw valueError("No available route for the given airports.");
  return cost;
}

function classFactor(travelClass: unknown): number {
  const factor = typeof travelClass === "string" ? CLASS_FACTORS[travelClass] : undefined;
  if (factor === undefined) throw valueError("Invalid travel class. Options are: economy, business, first.");
  return factor;
}

/** Dates whose digits sum to an even number cost double (non-digit characters count for nothing). */
function dateMultiplier(travelDate: unknown): number {
  let sum = 0;
  for (const ch of pyIterate(travelDate)) {
    if (typeof ch !== "string") throw new PyException("AttributeError", `'${pyTypeName(ch)}' object has no attribute 'isdigit'`);
    if (/^[0-9]+$/.test(ch)) sum += Number(ch);
  }
  return sum % 2 === 0 ? 2 : 1;
}

// ---- The class ----

function emptyState(): TravelState {
  return {
    creditCardList: new Map(),
    bookingRecord: new Map(),
    accessToken: null,
    tokenType: null,
    tokenExpiresIn: null,
    tokenScope: null,
    userFirstName: null,
    userLastName: null,
    budgetLimit: null,
    longContext: false,
  };
}

function copyState(s: TravelState): TravelState {
  return {
    ...s,
    creditCardList: new Map([...s.creditCardList].map(([k, v]) => [k, copyValue(v)])),
    bookingRecord: new Map([...s.bookingRecord].map(([k, v]) => [k, copyValue(v)])),
  };
}

/** A dict from the config (a plain object, or anything else Python would have stored) as an ordered map. */
function toMap(value: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Dict)) out.set(k, copyValue(v));
  }
  return out;
}

/** Long-context padding records, with the fields the source writes as floats kept as floats. */
function extensionRecords(key: string, floatField: string): [string, unknown][] {
  const data = longContextData()[key] as Readonly<Record<string, Dict>>;
  return Object.entries(data).map(([id, rec]) => {
    const copy = copyValue(rec) as Dict;
    const v = copy[floatField];
    if (typeof v === "number") copy[floatField] = pyFloat(v);
    return [id, copy];
  });
}

/** A shallow copy of a stored dict of records, so a returned result does not alias live state. */
function snapshotRecords(m: Map<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of m) out.set(k, v !== null && typeof v === "object" && !Array.isArray(v) ? { ...(v as Dict) } : v);
  return out;
}

export function createTravelAPI(): BfclApiClass {
  let s = emptyState();
  let rng = new PyRandom(DEFAULTS.random_seed as number);

  const isTokenValid = (token: unknown): boolean => pyEq(token, s.accessToken);

  function flightCost(from: unknown, to: unknown, date: unknown, travelClass: unknown): number {
    const base = routeCost(from, to);
    const factor = classFactor(travelClass);
    return base * factor * dateMultiplier(date);
  }

  const tools: Record<string, (args: Dict) => PyValue> = {
    authenticate_travel(args) {
      const token = String(rng.randint(100000, 999999));
      s.accessToken = token;
      s.tokenType = "Bearer";
      s.tokenExpiresIn = 2;
      s.tokenScope = args.grant_type;
      s.userFirstName = args.user_first_name;
      s.userLastName = args.user_last_name;
      return { expires_in: 2, access_token: token, token_type: "Bearer", scope: args.grant_type };
    },

    travel_get_login_status() {
      return { status: s.accessToken !== null && s.accessToken !== undefined };
    },

    get_budget_fiscal_year() {
      return { budget_fiscal_year: "2018" };
    },

    register_credit_card(args) {
      if (s.accessToken === null || s.accessToken === undefined) return { error: "Token not initialized" };
      if (!isTokenValid(args.access_token)) return { error: "Invalid access token" };
      if (hasKey(s.creditCardList, args.card_number)) return { error: "Card already registered" };
      // Draw order from the traces: card id, then its opening balance.
      const cardId = String(rng.randint(100000000000, 999999999999));
      s.creditCardList.set(cardId, {
        card_number: args.card_number,
        expiration_date: args.expiration_date,
        cardholder_name: args.cardholder_name,
        card_verification_number: args.card_verification_number,
        balance: rng.randint(10000, 99999),
      });
      return { card_id: cardId };
    },

    get_flight_cost(args) {
      const base = routeCost(args.travel_from, args.travel_to);
      const factor = classFactor(args.travel_class);
      const multiplier = dateMultiplier(args.travel_date);
      if (s.longContext) return { travel_cost_list: ALL_ROUTE_COSTS.map((c) => pyFloat(c * factor * multiplier)) };
      return { travel_cost_list: [pyFloat(base * factor * multiplier)] };
    },

    get_credit_card_balance(args) {
      if (!isTokenValid(args.access_token)) return { error: "Invalid access token" };
      if (!hasKey(s.creditCardList, args.card_id)) {
        return { error: `Card not registered. Here are a list of card_id's: ${pyStr([...s.creditCardList.keys()])}` };
      }
      return { card_balance: getItem(s.creditCardList.get(args.card_id), "balance") };
    },

    book_flight(args) {
      const fail = (error: string) => ({ booking_status: false, error });
      if (!isTokenValid(args.access_token)) return fail("Invalid access token");
      const cardId = args.card_id;
      if (!hasKey(s.creditCardList, cardId)) return fail("Card not registered");
      const card = s.creditCardList.get(cardId);
      if (!hasKey(card as Dict, "balance")) return fail("Balance not found");
      try {
        strptimeYmd(args.travel_date);
      } catch (e) {
        if (e instanceof PyException && e.pyType === "ValueError") return fail("Invalid date format. Use YYYY-MM-DD.");
        throw e;
      }
      if (!inStrings(ALL_AIRPORTS, args.travel_from)) return fail(`Invalid departure airport code: ${pyStr(args.travel_from)}`);
      if (!inStrings(ALL_AIRPORTS, args.travel_to)) return fail(`Invalid destination airport code: ${pyStr(args.travel_to)}`);
      if (!inStrings(VALID_CLASSES, args.travel_class)) {
        return fail(`Invalid travel class. Must be one of ${pyStr([...VALID_CLASSES])}`);
      }
      const balance = getItem(card, "balance");
      // The traces compare the card balance (not the fare) with the budget limit.
      if (pyLessThan(balance, s.budgetLimit)) return fail("Balance is less than budget limit");
      const cost = flightCost(args.travel_from, args.travel_to, args.travel_date, args.travel_class);
      if (pyLessThan(balance, cost)) return fail("Insufficient funds");
      const bookingId = String(rng.randint(1000000, 9999999));
      const transactionId = String(rng.randint(10000000, 99999999));
      const travelCost = new PyFloat(cost);
      s.bookingRecord.set(bookingId, {
        card_id: cardId,
        travel_date: args.travel_date,
        travel_from: args.travel_from,
        travel_to: args.travel_to,
        travel_class: args.travel_class,
        travel_cost: travelCost,
        transaction_id: transactionId,
      });
      setItem(card, "balance", pyArith(balance, travelCost, "-"));
      return {
        booking_id: bookingId,
        transaction_id: transactionId,
        booking_status: true,
        booking_history: s.longContext ? snapshotRecords(s.bookingRecord) : {},
      };
    },

    retrieve_invoice(args) {
      if (!isTokenValid(args.access_token)) return { error: "Invalid access token" };
      const bookingId = args.booking_id ?? null;
      if (!hasKey(s.bookingRecord, bookingId)) return { error: "Booking not found" };
      const rec = s.bookingRecord.get(bookingId);
      return {
        invoice: {
          booking_id: bookingId,
          travel_date: getItem(rec, "travel_date"),
          travel_from: getItem(rec, "travel_from"),
          travel_to: getItem(rec, "travel_to"),
          travel_class: getItem(rec, "travel_class"),
          travel_cost: getItem(rec, "travel_cost"),
          transaction_id: getItem(rec, "transaction_id"),
        },
      };
    },

    list_all_airports() {
      return [...ALL_AIRPORTS];
    },

    cancel_booking(args) {
      if (!isTokenValid(args.access_token)) return { cancel_status: false, error: "Invalid access token" };
      const bookingId = args.booking_id;
      if (!hasKey(s.bookingRecord, bookingId)) return { cancel_status: false, error: "Booking not found" };
      const rec = s.bookingRecord.get(bookingId);
      const cardId = getItem(rec, "card_id");
      const cost = getItem(rec, "travel_cost");
      if (!hasKey(s.creditCardList, cardId)) throw new PyException("KeyError", pyStr([cardId]).slice(1, -1));
      const card = s.creditCardList.get(cardId);
      setItem(card, "balance", pyArith(getItem(card, "balance"), cost, "+"));
      s.bookingRecord.delete(bookingId);
      return { cancel_status: true };
    },

    compute_exchange_rate(args) {
      const { base_currency: base, target_currency: target, value } = args;
      for (const r of EXCHANGE_RATES) {
        const forward = pyEq(base, r.base) && pyEq(target, r.target);
        const backward = !forward && pyEq(base, r.target) && pyEq(target, r.base);
        if (!forward && !backward) continue;
        if (!isNumeric(value)) {
          const op = forward ? "*" : "/";
          throw typeError(`unsupported operand type(s) for ${op}: '${pyTypeName(value)}' and '${pyTypeName(r.rate)}'`);
        }
        const v = numericValue(value);
        if (backward) return { exchanged_value: pyFloat(pyRound2(v / r.rate)) };
        const product = v * r.rate;
        // int * int stays an int, and round(int, 2) returns it unchanged.
        if (!isFloat(value) && Number.isInteger(r.rate)) return { exchanged_value: product };
        return { exchanged_value: pyFloat(pyRound2(product)) };
      }
      throw valueError("No available exchange rate for the given currencies.");
    },

    verify_traveler_information(args) {
      const { first_name: first, last_name: last, date_of_birth: dob, passport_number: passport } = args;
      const fail = (reason: string) => ({ verification_status: false, verification_failure: reason });
      if (!pyEq(first, s.userFirstName) || !pyEq(last, s.userLastName)) {
        return fail(
          "Cannot book flight information for another user." +
            `Expected ${pyStr(s.userFirstName)} ${pyStr(s.userLastName)}, got ${pyStr(first)} ${pyStr(last)}`,
        );
      }
      let birth: { year: number; month: number; day: number };
      try {
        birth = strptimeYmd(dob);
      } catch (e) {
        if (e instanceof PyException && e.pyType === "ValueError") {
          return fail("Invalid date of birth format. Please use YYYY-MM-DD.");
        }
        throw e;
      }
      const beforeBirthday = TODAY.month < birth.month || (TODAY.month === birth.month && TODAY.day < birth.day);
      const age = TODAY.year - birth.year - (beforeBirthday ? 1 : 0);
      if (age < 18) return fail("Traveler must be at least 18 years old.");
      if (typeof passport !== "string") {
        throw new PyException("AttributeError", `'${pyTypeName(passport)}' object has no attribute 'startswith'`);
      }
      if (!passport.startsWith("US")) return fail("Passport must be issued by the United States.");
      return { verification_status: true };
    },

    set_budget_limit(args) {
      if (!isTokenValid(args.access_token)) return { error: "Invalid access token" };
      const limit = pyFloat(pyToFloat(args.budget_limit));
      s.budgetLimit = limit;
      return { budget_limit: limit };
    },

    get_all_credit_cards() {
      return { credit_card_list: snapshotRecords(s.creditCardList) };
    },

    get_booking_history(args) {
      if (!isTokenValid(args.access_token)) return { error: "Invalid access token" };
      return { booking_history: snapshotRecords(s.bookingRecord) };
    },

    purchase_insurance(args) {
      const fail = (error: string) => ({ insurance_status: false, error });
      if (!isTokenValid(args.access_token)) return fail("Invalid access token");
      const cost = args.insurance_cost;
      // The traces show budget_limit < insurance_cost evaluated before any lookup (a str cost raises there).
      if (pyLessThan(s.budgetLimit, cost)) return fail("Exceeded budget limit");
      if (!hasKey(s.bookingRecord, args.booking_id)) return fail("Booking not found");
      if (!hasKey(s.creditCardList, args.card_id)) return fail("Credit card not registered");
      const card = s.creditCardList.get(args.card_id);
      const balance = getItem(card, "balance");
      if (pyLessThan(balance, cost)) return fail("Insufficient funds");
      const insuranceId = String(rng.randint(100000000, 999999999));
      setItem(card, "balance", pyArith(balance, cost, "-"));
      return { insurance_id: insuranceId, insurance_status: true };
    },

    contact_customer_support(args) {
      if (!hasKey(s.bookingRecord, args.booking_id)) return { error: "Booking not found" };
      return { customer_support_message: SUPPORT_MESSAGE };
    },

    get_nearest_airport_by_city(args) {
      const location = args.location;
      if (hasKey(AIRPORT_MAP as Dict, location)) return { nearest_airport: AIRPORT_MAP[location] };
      return { nearest_airport: "Unknown" };
    },
  };

  return {
    className: CLASS_NAME,

    loadScenario(config: Record<string, unknown>, longContext: boolean): void {
      const get = (key: string) => copyValue(configValue(config, key, DEFAULTS[key]));
      s = emptyState();
      s.creditCardList = toMap(get("credit_card_list"));
      s.bookingRecord = toMap(get("booking_record"));
      s.accessToken = get("access_token");
      s.tokenType = get("token_type");
      s.tokenExpiresIn = get("token_expires_in");
      s.tokenScope = get("token_scope");
      s.userFirstName = get("user_first_name");
      s.userLastName = get("user_last_name");
      s.budgetLimit = get("budget_limit");
      s.longContext = longContext;
      // dict.update semantics: padding records follow the configured ones (an existing key keeps its place).
      if (longContext) {
        for (const [k, v] of extensionRecords("CREDIT_CARD_EXTENSION", "balance")) s.creditCardList.set(k, v);
        for (const [k, v] of extensionRecords("BOOKING_RECORD_EXTENSION", "travel_cost")) s.bookingRecord.set(k, v);
      }
      rng = new PyRandom(get("random_seed") as number);
    },

    publicState(): Record<string, unknown> {
      return {
        credit_card_list: canonicalValue(s.creditCardList),
        booking_record: canonicalValue(s.bookingRecord),
        access_token: canonicalValue(s.accessToken),
        token_type: canonicalValue(s.tokenType),
        token_expires_in: canonicalValue(s.tokenExpiresIn),
        token_scope: canonicalValue(s.tokenScope),
        user_first_name: canonicalValue(s.userFirstName),
        user_last_name: canonicalValue(s.userLastName),
        budget_limit: canonicalValue(s.budgetLimit),
        long_context: s.longContext,
      };
    },

    tools,

    snapshot(): TravelSnapshot {
      return { state: copyState(s), rng: rng.getState() };
    },

    restore(snapshot: unknown): void {
      const snap = snapshot as TravelSnapshot;
      s = copyState(snap.state);
      rng = new PyRandom(0);
      rng.setState(snap.rng);
    },
  };
}
