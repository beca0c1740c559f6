// The size limits of synthesized arguments (DESIGN.md §1, critique): strings at most 200 characters, lists at
// most 5 items, at any depth.
export const MAX_STRING_LENGTH = 200;
export const MAX_LIST_ITEMS = 5;

/** The first violation in a value, or undefined when it is within the limits. */
export function limitViolation(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return value.length > MAX_STRING_LENGTH ? `${path || "value"}: string of ${value.length} characters` : undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_ITEMS) return `${path || "value"}: list of ${value.length} items`;
    for (const [i, v] of value.entries()) {
      const bad = limitViolation(v, `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const bad = limitViolation(v, path ? `${path}.${k}` : k);
      if (bad) return bad;
    }
  }
  return undefined;
}

export function withinLimits(value: unknown): boolean {
  return limitViolation(value) === undefined;
}
