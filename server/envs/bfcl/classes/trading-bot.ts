// TradingBot: BFCL's simulated stock trading account (orders, watchlist, funds, market data).
// Behaviour, messages and check order are inferred from the reference traces; Python semantics that the traces
// expose (dict lookups that reject unhashable keys, comparisons that reject mixed types, str() of arguments in
// messages) are reproduced so fuzzed calls fail the same way.
import { PyException, type BfclApiClass, type PyValue } from "../api-class";
import { classTable, defaultState, longContextData } from "../data";
import { PyFloat, PyTuple, pyRepr, pyStr } from "../py-format";
import { PyRandom, type PyRandomSnapshot } from "../py-random";

type Dict = Record<string, unknown>;
/** Python dict keys as they occur here: config digit strings become ints, everything else stays a str. */
type OrderKey = number | string;

interface TradingState {
  orders: Map<OrderKey, unknown>;
  accountInfo: Dict;
  authenticated: boolean;
  marketStatus: unknown;
  orderCounter: number;
  stocks: Map<string, unknown>;
  watchList: unknown[];
  transactionHistory: unknown[];
  longContext: boolean;
}

interface TradingSnapshot {
  state: TradingState;
  rng: PyRandomSnapshot;
}

// The class seeds its own random.Random; only transaction timestamps draw from it (found by matching the traces).
const RNG_SEED = 1053520;
// Timestamps are "now" plus up to one day of random seconds; the traces' "now" is 2024-09-01 10:30:00.
const NOW_EPOCH_SECONDS = Date.UTC(2024, 8, 1, 10, 30, 0) / 1000;
const TIMESTAMP_SPAN_SECONDS = 24 * 60 * 60;
const CURRENT_TIME_TEXT = "10:30 AM";

const SECTOR_STOCKS: Readonly<Record<string, readonly string[]>> = {
  Technology: ["AAPL", "GOOG", "MSFT", "NVDA"],
  Automobile: ["TSLA", "F", "GM"],
};
const SECTOR_EXTENSION_KEYS: Readonly<Record<string, string>> = {
  Technology: "TECHNOLOGY_EXTENSION",
  Automobile: "AUTOMOBILE_EXTENSION",
};

// ---------------------------------------------------------------------------------------------------------------
// Python semantics helpers

function pyTypeName(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "string") return "str";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (x instanceof PyFloat) return "float";
  if (x instanceof PyTuple) return "tuple";
  if (Array.isArray(x)) return "list";
  if (x instanceof Map) return "dict";
  if (x instanceof Set) return "set";
  return "dict";
}

function typeError(message: string): PyException {
  return new PyException("TypeError", message);
}

function isNumeric(x: unknown): x is number | boolean | PyFloat {
  return typeof x === "number" || typeof x === "boolean" || x instanceof PyFloat;
}

function toNumber(x: number | boolean | PyFloat): number {
  if (typeof x === "number") return x;
  if (typeof x === "boolean") return x ? 1 : 0;
  return x.value;
}

type CmpOp = "<" | "<=" | ">" | ">=";

/** Python's a <op> b for the operand kinds the tools meet: numbers (bool included) or two strings. */
function pyCompare(a: unknown, op: CmpOp, b: unknown): boolean {
  let x: number | string;
  let y: number | string;
  if (isNumeric(a) && isNumeric(b)) {
    x = toNumber(a);
    y = toNumber(b);
  } else if (typeof a === "string" && typeof b === "string") {
    x = a;
    y = b;
  } else {
    throw typeError(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

/** The key a value hashes to in a Python dict (1 == 1.0 == True); lists and dicts are unhashable. */
function hashKey(x: unknown): unknown {
  if (typeof x === "string" || typeof x === "number") return x;
  if (typeof x === "boolean") return x ? 1 : 0;
  if (x instanceof PyFloat) return x.value;
  if (x === null || x === undefined) return null;
  if (x instanceof PyTuple) return x; // hashable but equal to no key used here
  throw typeError(`unhashable type: '${pyTypeName(x)}'`);
}

/** Python ==, enough for list membership of the values that occur (strings, numbers, None, containers). */
function pyEquals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return toNumber(a) === toNumber(b);
  if (typeof a === "string" || typeof b === "string") return a === b;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

function isDict(x: unknown): x is Dict {
  return x !== null && typeof x === "object" && !Array.isArray(x) && !(x instanceof PyFloat) && !(x instanceof PyTuple);
}

/** Python's iter() over a value: str yields characters, dict yields keys. */
function pyIter(x: unknown): unknown[] {
  if (typeof x === "string") return Array.from(x);
  if (Array.isArray(x)) return x;
  if (x instanceof PyTuple) return [...x.items];
  if (x instanceof Map) return [...x.keys()];
  if (x instanceof Set) return [...x];
  if (isDict(x)) return Object.keys(x);
  throw typeError(`'${pyTypeName(x)}' object is not iterable`);
}

/** Python truthiness of an argument value. */
function pyTruthy(x: unknown): boolean {
  if (x === null || x === undefined || x === false || x === 0 || x === "") return false;
  if (x instanceof PyFloat) return x.value !== 0;
  if (Array.isArray(x)) return x.length > 0;
  if (x instanceof PyTuple) return x.items.length > 0;
  if (isDict(x)) return Object.keys(x).length > 0;
  return true;
}

/** obj[key] on a value that should be a dict (config data can hold anything). */
function getItem(obj: unknown, key: string): unknown {
  if (!isDict(obj)) throw typeError(`'${pyTypeName(obj)}' object is not subscriptable`);
  if (!Object.prototype.hasOwnProperty.call(obj, key)) throw new PyException("KeyError", `'${key}'`);
  return obj[key];
}

/** float(x) for a value already known to compare with 0; integral results keep printing as "700.0". */
function pyFloat(x: number | boolean | PyFloat): number | PyFloat {
  const v = toNumber(x);
  return Number.isInteger(v) ? new PyFloat(v) : v;
}

/** Python's f"{x:.2f}": toFixed rounds exact binary ties away from zero, Python to even. */
function formatFixed2(x: number): string {
  const eighths = x * 8;
  // A double is exactly halfway between two cents only when it is an odd number of eighths.
  if (Number.isInteger(eighths) && eighths % 2 !== 0 && Math.abs(x) < 2 ** 40) {
    const cents = x * 100; // exact: a multiple of 12.5
    const lower = Math.floor(cents);
    const even = lower % 2 === 0 ? lower : lower + 1;
    const sign = even < 0 ? "-" : "";
    const abs = Math.abs(even);
    return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  }
  return x.toFixed(2);
}

const DATE_RE = /^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])$/;
const DATETIME_RE = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** datetime.strptime(text, "%Y-%m-%d") as epoch milliseconds. */
function parseDate(text: unknown): number {
  if (typeof text !== "string") throw typeError(`strptime() argument 1 must be str, not ${pyTypeName(text)}`);
  const m = DATE_RE.exec(text);
  if (!m) throw new PyException("ValueError", `time data ${pyRepr(text)} does not match format '%Y-%m-%d'`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3].trim())];
  if (day > daysInMonth(year, month)) throw new PyException("ValueError", "day is out of range for month");
  return Date.UTC(year, month - 1, day);
}

/** A transaction timestamp ("%Y-%m-%d %H:%M:%S", fractional seconds tolerated) as epoch milliseconds. */
function parseTimestamp(text: unknown): number {
  if (typeof text !== "string") throw typeError(`strptime() argument 1 must be str, not ${pyTypeName(text)}`);
  const m = DATETIME_RE.exec(text);
  if (!m) throw new PyException("ValueError", `time data ${pyRepr(text)} does not match format '%Y-%m-%d %H:%M:%S'`);
  const micros = m[7] ? Number(m[7].padEnd(6, "0")) : 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + micros / 1000;
}

function formatTimestamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Data tables

function cloneJson<T>(value: T): T {
  return structuredClone(value) as T;
}

/** Config orders have string keys; the class's dict has int keys where the string is a number. */
function ordersFromJson(raw: unknown): Map<OrderKey, unknown> {
  const orders = new Map<OrderKey, unknown>();
  if (isDict(raw)) for (const [k, v] of Object.entries(raw)) orders.set(/^\d+$/.test(k) ? Number(k) : k, cloneJson(v));
  return orders;
}

let symbolMapCache: Map<string, string> | undefined;
function symbolMap(): Map<string, string> {
  symbolMapCache ??= new Map(
    Object.entries(classTable("trading_bot:TradingBot.get_symbol_by_name:symbol_map") as Record<string, string>),
  );
  return symbolMapCache;
}

interface LongContextTables {
  ma5: readonly number[];
  ma20: readonly number[];
  orderDetail: Readonly<Record<string, string>>;
  transactions: readonly unknown[];
  sectors: Readonly<Record<string, readonly string[]>>;
  /** repr() of WATCH_LIST_EXTENSION's items joined by ", " (its last item is Python's `...`). */
  watchListRepr: string;
}

let longContextCache: LongContextTables | undefined;
function longContextTables(): LongContextTables {
  if (!longContextCache) {
    const data = longContextData();
    const sectors: Record<string, readonly string[]> = {};
    for (const [sector, key] of Object.entries(SECTOR_EXTENSION_KEYS)) {
      sectors[sector] = [...SECTOR_STOCKS[sector], ...(data[key] as string[])];
    }
    // The JSON keeps `...` as null (or the string "Ellipsis"); Python prints it as Ellipsis.
    const watchListRepr = (data.WATCH_LIST_EXTENSION as unknown[])
      .map((v) => (v === null || v === "Ellipsis" ? "Ellipsis" : pyRepr(v)))
      .join(", ");
    longContextCache = {
      ma5: data.MA_5_EXTENSION as number[],
      ma20: data.MA_20_EXTENSION as number[],
      orderDetail: data.ORDER_DETAIL_EXTENSION as Record<string, string>,
      transactions: data.TRANSACTION_HISTORY_EXTENSION as unknown[],
      sectors,
      watchListRepr,
    };
  }
  return longContextCache;
}

function loadState(config: Record<string, unknown>, longContext: boolean): TradingState {
  const defaults = defaultState("TradingBot");
  const pick = (key: string): unknown => cloneJson(key in config ? config[key] : defaults[key]);
  const stocks = new Map<string, unknown>();
  const rawStocks = pick("stocks");
  if (isDict(rawStocks)) for (const [k, v] of Object.entries(rawStocks)) stocks.set(k, v);
  return {
    orders: ordersFromJson("orders" in config ? config.orders : defaults.orders),
    accountInfo: pick("account_info") as Dict,
    authenticated: pick("authenticated") as boolean,
    marketStatus: pick("market_status"),
    orderCounter: pick("order_counter") as number,
    stocks,
    watchList: pick("watch_list") as unknown[],
    transactionHistory: pick("transaction_history") as unknown[],
    longContext,
  };
}

function cloneState(s: TradingState): TradingState {
  return {
    orders: new Map([...s.orders].map(([k, v]) => [k, cloneJson(v)])),
    accountInfo: cloneJson(s.accountInfo),
    authenticated: s.authenticated,
    marketStatus: s.marketStatus,
    orderCounter: s.orderCounter,
    stocks: new Map([...s.stocks].map(([k, v]) => [k, cloneJson(v)])),
    watchList: cloneJson(s.watchList),
    transactionHistory: cloneJson(s.transactionHistory),
    longContext: s.longContext,
  };
}

/** Canonical JSON form of a stored value: PyFloat unwrapped, containers copied. */
function canonical(x: unknown): unknown {
  if (x instanceof PyFloat) return x.value;
  if (x instanceof PyTuple) return x.items.map(canonical);
  if (Array.isArray(x)) return x.map(canonical);
  if (isDict(x)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(x)) out[k] = canonical(v);
    return out;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------------------------

class TradingBot implements BfclApiClass {
  readonly className = "TradingBot";
  private s: TradingState = loadState({}, false);
  private rng = new PyRandom(RNG_SEED);
  readonly tools: Readonly<Record<string, (args: Record<string, unknown>) => PyValue>>;

  constructor() {
    this.tools = {
      get_current_time: () => ({ current_time: CURRENT_TIME_TEXT }),
      get_symbol_by_name: (a) => this.getSymbolByName(a.name),
      get_stock_info: (a) => this.getStockInfo(a.symbol),
      get_available_stocks: (a) => this.getAvailableStocks(a.sector),
      filter_stocks_by_price: (a) => this.filterStocksByPrice(a.stocks, a.min_price, a.max_price),
      notify_price_change: (a) => this.notifyPriceChange(a.stocks, a.threshold),
      add_to_watchlist: (a) => this.addToWatchlist(a.stock),
      remove_stock_from_watchlist: (a) => this.removeStockFromWatchlist(a.symbol),
      get_watchlist: () => this.getWatchlist(),
      place_order: (a) => this.placeOrder(a.order_type, a.symbol, a.price, a.amount),
      cancel_order: (a) => this.cancelOrder(a.order_id),
      get_order_details: (a) => this.getOrderDetails(a.order_id),
      get_order_history: () => this.getOrderHistory(),
      get_account_info: () => this.getAccountInfo(),
      fund_account: (a) => this.fundAccount(a.amount),
      withdraw_funds: (a) => this.withdrawFunds(a.amount),
      get_transaction_history: (a) => this.getTransactionHistory(a.start_date ?? null, a.end_date ?? null),
      trading_login: () => this.login(),
      trading_logout: () => this.logout(),
      trading_get_login_status: () => ({ status: this.s.authenticated }),
    };
  }

  loadScenario(config: Record<string, unknown>, longContext: boolean): void {
    this.s = loadState(config, longContext);
    this.rng = new PyRandom(RNG_SEED);
  }

  publicState(): Record<string, unknown> {
    const s = this.s;
    const orders: Dict = {};
    for (const [k, v] of s.orders) orders[String(k)] = canonical(v);
    const stocks: Dict = {};
    for (const [k, v] of s.stocks) stocks[k] = canonical(v);
    return {
      orders,
      account_info: canonical(s.accountInfo),
      authenticated: s.authenticated,
      market_status: s.marketStatus,
      order_counter: s.orderCounter,
      stocks,
      watch_list: canonical(s.watchList),
      transaction_history: canonical(s.transactionHistory),
      long_context: s.longContext,
    };
  }

  snapshot(): unknown {
    const snap: TradingSnapshot = { state: cloneState(this.s), rng: this.rng.getState() };
    return snap;
  }

  restore(snapshot: unknown): void {
    const snap = snapshot as TradingSnapshot;
    this.s = cloneState(snap.state);
    this.rng = new PyRandom(0);
    this.rng.setState(snap.rng);
  }

  // --- market data -----------------------------------------------------------------------------------------------

  private getSymbolByName(name: unknown): PyValue {
    const key = hashKey(name);
    const symbol = typeof key === "string" ? symbolMap().get(key) : undefined;
    return { symbol: symbol ?? "Stock not found" };
  }

  private getStockInfo(symbol: unknown): PyValue {
    const key = hashKey(symbol);
    const stock = typeof key === "string" ? this.s.stocks.get(key) : undefined;
    if (stock === undefined) return { error: `Stock with symbol '${pyStr(symbol)}' not found.` };
    if (!this.s.longContext) return stock;
    if (!isDict(stock)) throw typeError(`'${pyTypeName(stock)}' object has no attribute 'copy'`);
    const lc = longContextTables();
    return { ...stock, "MA(5)": lc.ma5, "MA(20)": lc.ma20 };
  }

  private getAvailableStocks(sector: unknown): PyValue {
    const key = hashKey(sector);
    const table = this.s.longContext ? longContextTables().sectors : SECTOR_STOCKS;
    const list = typeof key === "string" && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : [];
    return { stock_list: list };
  }

  /** A stock's price, or 0 for an unknown symbol (the comparisons then still run, as the traces show). */
  private priceOf(symbol: unknown): unknown {
    const key = hashKey(symbol);
    const stock = typeof key === "string" ? this.s.stocks.get(key) : undefined;
    if (stock === undefined) return 0;
    return isDict(stock) && "price" in stock ? stock.price : 0;
  }

  private filterStocksByPrice(stocks: unknown, minPrice: unknown, maxPrice: unknown): PyValue {
    const filtered: unknown[] = [];
    for (const symbol of pyIter(stocks)) {
      const price = this.priceOf(symbol);
      if (pyCompare(price, ">=", minPrice) && pyCompare(price, "<=", maxPrice)) filtered.push(symbol);
    }
    return { filtered_stocks: filtered };
  }

  private notifyPriceChange(stocks: unknown, threshold: unknown): PyValue {
    const changed: string[] = [];
    for (const symbol of pyIter(stocks)) {
      const key = hashKey(symbol);
      const stock = typeof key === "string" ? this.s.stocks.get(key) : undefined;
      if (stock === undefined) continue;
      const change = getItem(stock, "percent_change");
      if (!isNumeric(change)) throw typeError(`bad operand type for abs(): '${pyTypeName(change)}'`);
      if (pyCompare(Math.abs(toNumber(change)), ">=", threshold)) changed.push(pyStr(symbol));
    }
    if (changed.length === 0) return { notification: "No significant price changes in the selected stocks." };
    return { notification: `Stocks ${changed.join(", ")} have significant price changes.` };
  }

  // --- watchlist ---------------------------------------------------------------------------------------------------

  private addToWatchlist(stock: unknown): PyValue {
    const key = hashKey(stock);
    const known = typeof key === "string" && this.s.stocks.has(key);
    if (known && !this.s.watchList.some((s) => pyEquals(s, stock))) this.s.watchList.push(stock);
    return { watchlist: this.s.watchList };
  }

  private removeStockFromWatchlist(symbol: unknown): PyValue {
    if (!this.s.authenticated) return { error: "User not authenticated. Please log in to modify the watchlist." };
    const index = this.s.watchList.findIndex((s) => pyEquals(s, symbol));
    if (index < 0) return { error: `Stock ${pyStr(symbol)} not found in watchlist.` };
    this.s.watchList.splice(index, 1);
    return { status: `Stock ${pyStr(symbol)} removed from watchlist successfully.` };
  }

  private getWatchlist(): PyValue {
    if (!this.s.authenticated) return ["Error: User not authenticated. Please log in to view the watchlist."];
    if (!this.s.longContext) return { watchlist: this.s.watchList };
    // Long-context mode returns the bare list padded with the extension, whose last item is Python's `...`:
    // no JS value prints as Ellipsis, so the list's str() is built here (a str result is recorded as is).
    const own = this.s.watchList.map((v) => pyRepr(v));
    return `[${[...own, longContextTables().watchListRepr].join(", ")}]`;
  }

  // --- orders ------------------------------------------------------------------------------------------------------

  private placeOrder(orderType: unknown, symbol: unknown, price: unknown, amount: unknown): PyValue {
    if (!this.s.authenticated) return { error: "User not authenticated. Please log in to place an order." };
    const key = hashKey(symbol);
    if (typeof key !== "string" || !this.s.stocks.has(key)) return { error: `Invalid stock symbol: ${pyStr(symbol)}` };
    if (pyCompare(price, "<=", 0) || pyCompare(amount, "<=", 0)) {
      return { error: "Price and amount must be positive values." };
    }
    // Both compared with 0 above, so both are numbers (or bools) from here on.
    const priceNum = toNumber(price as number);
    const amountNum = toNumber(amount as number);
    if (typeof orderType !== "string") throw new PyException("AttributeError", `'${pyTypeName(orderType)}' object has no attribute 'lower'`);
    if (orderType.toLowerCase() === "buy") {
      const totalCost = priceNum * amountNum;
      const balance = this.s.accountInfo.balance;
      if (pyCompare(totalCost, ">", balance)) {
        return {
          error: `Insufficient funds: required $${formatFixed2(totalCost)} but only $${formatFixed2(toNumber(balance as number))} available.`,
        };
      }
    }
    const orderId = this.s.orderCounter;
    const storedPrice = pyFloat(priceNum);
    this.s.orders.set(orderId, {
      id: orderId,
      order_type: orderType,
      symbol,
      price: storedPrice,
      amount,
      status: "Open",
    });
    this.s.orderCounter += 1;
    // The reply says "Pending" while the stored order is already "Open", as the traces record.
    return { order_id: orderId, order_type: orderType, status: "Pending", price: storedPrice, amount };
  }

  private cancelOrder(orderId: unknown): PyValue {
    const key = hashKey(orderId);
    const order = this.s.orders.get(key as OrderKey);
    if (order === undefined) return { error: `Order with ID ${pyStr(orderId)} not found.` };
    if (getItem(order, "status") === "Completed") {
      return { error: `Can't cancel order ${pyStr(orderId)}. Order is already completed.` };
    }
    (order as Dict).status = "Cancelled";
    return { order_id: orderId, status: "Cancelled" };
  }

  private getOrderDetails(orderId: unknown): PyValue {
    const key = hashKey(orderId);
    const order = this.s.orders.get(key as OrderKey);
    if (order === undefined) {
      return {
        error: `Order with ID ${pyStr(orderId)} not found.Here is the list of orders_id: ${pyStr([...this.s.orders.keys()])}`,
      };
    }
    if (!this.s.longContext) return order;
    if (!isDict(order)) throw typeError(`'${pyTypeName(order)}' object has no attribute 'copy'`);
    const symbol = pyStr(getItem(order, "symbol"));
    const metadata: Dict = {};
    for (const [k, template] of Object.entries(longContextTables().orderDetail)) {
      metadata[k] = template.replaceAll("{symbol}", symbol);
    }
    return { ...order, metadata };
  }

  private getOrderHistory(): PyValue {
    if (!this.s.authenticated) return [{ error: "User not authenticated. Please log in to view order history." }];
    return { history: [...this.s.orders.keys()] };
  }

  // --- account -----------------------------------------------------------------------------------------------------

  private getAccountInfo(): PyValue {
    if (!this.s.authenticated) return { error: "User not authenticated. Please log in to view account information." };
    return this.s.accountInfo;
  }

  private nextTimestamp(): string {
    return formatTimestamp(NOW_EPOCH_SECONDS + this.rng.randint(0, TIMESTAMP_SPAN_SECONDS));
  }

  private fundAccount(amount: unknown): PyValue {
    if (!this.s.authenticated) return { error: "User not authenticated. Please log in to fund the account." };
    if (pyCompare(amount, "<=", 0)) return { error: "Funding amount must be positive." };
    const info = this.s.accountInfo;
    info.balance = toNumber(getItem(info, "balance") as number) + toNumber(amount as number);
    this.s.transactionHistory.push({ type: "deposit", amount, timestamp: this.nextTimestamp() });
    return { status: "Account funded successfully", new_balance: info.balance };
  }

  private withdrawFunds(amount: unknown): PyValue {
    if (!this.s.authenticated) return { error: "User not authenticated. Please log in to make a transaction." };
    if (this.s.marketStatus === "Closed") return { error: "Market is closed. Transactions are not allowed." };
    if (pyCompare(amount, "<=", 0)) return { error: "Transaction amount must be positive." };
    const info = this.s.accountInfo;
    if (pyCompare(amount, ">", getItem(info, "balance"))) return { error: "Insufficient funds for withdrawal." };
    info.balance = toNumber(info.balance as number) - toNumber(amount as number);
    this.s.transactionHistory.push({ type: "withdrawal", amount, timestamp: this.nextTimestamp() });
    return { status: "Withdrawal successful", new_balance: info.balance };
  }

  private getTransactionHistory(startDate: unknown, endDate: unknown): PyValue {
    if (!this.s.authenticated) {
      return [{ error: "User not authenticated. Please log in to view transaction history." }];
    }
    const start = pyTruthy(startDate) ? parseDate(startDate) : -Infinity;
    const end = pyTruthy(endDate) ? parseDate(endDate) : Infinity;
    const all = this.s.longContext
      ? [...this.s.transactionHistory, ...longContextTables().transactions]
      : this.s.transactionHistory;
    const filtered = all.filter((t) => {
      const at = parseTimestamp(getItem(t, "timestamp"));
      return start <= at && at <= end;
    });
    return { transaction_history: filtered };
  }

  // --- session -----------------------------------------------------------------------------------------------------

  private login(): PyValue {
    if (this.s.authenticated) return { status: "Already logged in" };
    this.s.authenticated = true;
    return { status: "Logged in successfully" };
  }

  private logout(): PyValue {
    if (!this.s.authenticated) return { status: "No user is currently logged in" };
    this.s.authenticated = false;
    return { status: "Logged out successfully" };
  }
}

export function createTradingBot(): BfclApiClass {
  return new TradingBot();
}
