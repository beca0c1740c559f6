// Calls as BFCL writes them (Python syntax) and results as the classes return them: formatting, failure
// detection, and the values a result offers to later calls.
import { ERROR_PREFIX } from "../../envs/bfcl/bfcl-env";
import { pyStrRepr } from "../../envs/bfcl/py-format";
import { toolDoc } from "../../envs/bfcl/tool-docs";

/** A Python literal for a JSON-like value; integral values of float parameters keep BFCL's "2.0" form. */
export function pyLiteral(value: unknown, isFloat = false): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Python literal`);
    return isFloat && Number.isInteger(value) ? `${value}.0` : String(value);
  }
  if (typeof value === "string") return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyLiteral(v, isFloat)).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyStrRepr(k)}: ${pyLiteral(v)}`).join(", ")}}`;
  }
  throw new Error(`cannot write a ${typeof value} as a Python literal`);
}

/** `name(key=value, ...)` with keyword arguments in schema order. */
export function callSource(name: string, args: Record<string, unknown>): string {
  const props = toolDoc(name)?.doc.parameters.properties ?? {};
  const order = [...Object.keys(props).filter((k) => k in args), ...Object.keys(args).filter((k) => !(k in props))];
  const parts = order.map((k) => {
    const schema = props[k];
    const isFloat = schema?.type === "float" || (schema?.type === "array" && schema.items?.type === "float");
    return `${k}=${pyLiteral(args[k], isFloat)}`;
  });
  return `${name}(${parts.join(", ")})`;
}

/** A result as data when it is JSON (every dict result is json.dumps), else undefined. */
export function parseResult(output: string): unknown {
  const c = output[0];
  if (c !== "{" && c !== "[" && c !== '"') return undefined;
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return undefined;
  }
}

// Replies that report "nothing happened" without an error key: the call is as good as failed.
const SOFT_FAILURES: Readonly<Record<string, (r: Record<string, unknown>) => boolean>> = {
  message_login: (r) => r.login_status === false,
  authenticate_twitter: (r) => r.authentication_status === false,
  follow_user: (r) => r.follow_status === false,
  unfollow_user: (r) => r.unfollow_status === false,
  ticket_login: (r) => r.success === false,
  logout: (r) => r.success === false,
  book_flight: (r) => r.booking_status === false,
  cancel_booking: (r) => r.cancel_status === false,
  purchase_insurance: (r) => r.insurance_status === false,
  verify_traveler_information: (r) => r.verification_status === false,
  get_symbol_by_name: (r) => r.symbol === "Stock not found",
  get_nearest_airport_by_city: (r) => r.nearest_airport === "Unknown",
  get_zipcode_based_on_city: (r) => r.zipcode === "00000",
  retweet: (r) => r.retweet_status === "Already retweeted",
  trading_login: (r) => r.status === "Already logged in",
  trading_logout: (r) => r.status === "No user is currently logged in",
};

/** True when a call failed: an exception, an {"error": ...} reply, an error list, or a do-nothing reply. */
export function isFailedResult(name: string, output: string): boolean {
  if (output.startsWith(ERROR_PREFIX)) return true;
  if (output.startsWith("[{'error'") || output.startsWith("['Error")) return true;
  const parsed = parseResult(output);
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const r = parsed as Record<string, unknown>;
    if ("error" in r) return true;
    return SOFT_FAILURES[name]?.(r) ?? false;
  }
  return false;
}

/** Numeric leaves of a parsed result (booleans and huge values left out). */
export function numbersIn(value: unknown, out: number[] = []): number[] {
  if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) < 1e9) out.push(value);
  else if (Array.isArray(value)) value.slice(0, 50).forEach((v) => numbersIn(v, out));
  else if (value && typeof value === "object") Object.values(value as Record<string, unknown>).forEach((v) => numbersIn(v, out));
  return out;
}

/** String leaves of a parsed result. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.slice(0, 50).forEach((v) => stringsIn(v, out));
  else if (value && typeof value === "object") Object.values(value as Record<string, unknown>).forEach((v) => stringsIn(v, out));
  return out;
}
