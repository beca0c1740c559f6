// One CSV cell rule for every CSV RODS writes (chart downloads, study tables, metrics exports): RFC 4180 quoting,
// and text a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) is
// neutralised with a leading apostrophe. Pure and import-free, so the browser's chart downloads use it too.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A value as one CSV cell: empty for null/undefined, dates as ISO 8601, numbers as they are. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  let text = value instanceof Date ? value.toISOString() : String(value);
  // "-0.5" stays a number; "=HYPERLINK(…)" or "-2+3" becomes text a spreadsheet shows instead of computing.
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (no line break) from the cells of a row. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(",");
}
