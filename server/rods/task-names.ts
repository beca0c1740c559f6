// Display names of tasks: synthesized ids are "<seed id>~syn-<attempt id>", too long for a table cell.

const SYN_MARK = "~syn-";

/** The seed id plus the last 6 characters of the attempt id; other ids are already short and returned as they are. */
export function shortTaskName(externalId: string): string {
  const at = externalId.indexOf(SYN_MARK);
  if (at < 0) return externalId;
  const suffix = externalId.slice(at + SYN_MARK.length);
  return `${externalId.slice(0, at)}~${suffix.slice(-6)}`;
}
