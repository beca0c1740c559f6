// Differential test of the BFCL environment against the reference traces: the one replay for all eight classes (the
// class test files hold unit tests only). BFCL_CLASS=TicketAPI (comma-separated for several) restricts it to some
// classes; BFCL_SOURCES=gt,fuzz,probe restricts the trace files. Without the full trace folder (shared/bfcl/traces
// beside the repository, /work/shared/bfcl/traces or RODS_BFCL_TRACES) only the gzipped gt copies run.
import { beforeAll, describe, expect, it } from "vitest";
import { BFCL_CLASSES } from "./data";
import {
  formatMatchTable,
  formatMismatch,
  matchRate,
  runDifferential,
  type DifferentialReport,
  type Mismatch,
  type TraceSource,
} from "./differential";
import { sharedTraceDir } from "./traces";

const classFilter = process.env.BFCL_CLASS?.split(",").map((s) => s.trim()).filter(Boolean);
const sourceFilter = process.env.BFCL_SOURCES?.split(",").map((s) => s.trim()) as TraceSource[] | undefined;
const classes = classFilter && classFilter.length > 0 ? classFilter : [...BFCL_CLASSES];
const hasShared = sharedTraceDir() !== undefined;
const runs = (s: TraceSource) => !sourceFilter || sourceFilter.includes(s);

const REQUIRED: Record<TraceSource, number> = { gt: 1, fuzz: 0.99, fuzz_b: 0.99, probe: 0.99 };

interface ToleratedMismatch {
  source: TraceSource;
  className: string;
  /** The trace id (a probe's is "probe_a#<line number>"): a string must equal it, a RegExp must match it. */
  id: string | RegExp;
  /** Only mismatches of this kind (any kind when absent). */
  kind?: Mismatch["kind"];
  /** State mismatches only: every differing path must match. */
  paths?: RegExp;
  reason: string;
}

/**
 * Mismatches we accept, each with the reason. Any other mismatch fails the test, whatever the rates. Not listed here
 * because they are matches under the README's rule, not mismatches: results equal once a trailing ".0" is dropped
 * (e.g. TradingBot error messages quoting an integral float argument, which the call parser reads as a JS number).
 */
const TOLERATED: readonly ToleratedMismatch[] = [
  {
    source: "fuzz",
    className: "MessageAPI",
    id: "multi_turn_base_33#fuzz11.4",
    kind: "state",
    paths: /^user_map\["20000(\.0)?"\]$/,
    reason:
      "add_contact(user_name=20000.0): a float literal 20000.0 used as a dict key. Python keeps the float key, printed " +
      '"20000.0" in the state; JSON arguments (and JS numbers) cannot express a float 20000.0 apart from the int 20000, ' +
      'so our key prints "20000". The result matches (".0" allowance); the states after turns 2-4 differ in that key only.',
  },
];

function tolerates(t: ToleratedMismatch, m: Mismatch): boolean {
  if (t.source !== m.source || t.className !== m.className) return false;
  if (typeof t.id === "string" ? t.id !== m.id : !t.id.test(m.id)) return false;
  if (t.kind && t.kind !== m.kind) return false;
  if (t.paths) {
    const paths = t.paths;
    return m.kind === "state" && (m.differences ?? []).length > 0 && (m.differences ?? []).every((d) => paths.test(d.path));
  }
  return true;
}

const toleration = (m: Mismatch) => TOLERATED.find((t) => tolerates(t, m));

function formatTolerated(report: DifferentialReport): string {
  const lines = [`tolerated mismatches (${TOLERATED.length} listed):`];
  for (const t of TOLERATED) {
    const seen = report.mismatches.filter((m) => tolerates(t, m));
    const ran = classes.includes(t.className) && runs(t.source) && !report.skipped[t.source];
    lines.push(`  [${t.source}] ${t.className} ${String(t.id)}${t.kind ? ` ${t.kind}` : ""}: ${ran ? `${seen.length} seen` : "not run"}`);
    lines.push(`    reason: ${t.reason}`);
    for (const m of seen) lines.push(`    ${formatMismatch(m).replace(/\n/g, "\n    ")}`);
  }
  return lines.join("\n");
}

describe("BFCL differential replay", () => {
  let report: DifferentialReport;
  let untolerated: Mismatch[];

  beforeAll(() => {
    report = runDifferential({ classes, sources: sourceFilter });
    untolerated = report.mismatches.filter((m) => !toleration(m));
    const lines = [formatMatchTable(report), "", formatTolerated(report), "", `${untolerated.length} mismatches not tolerated`];
    lines.push(...untolerated.map(formatMismatch));
    console.log(lines.join("\n"));
  }, 600_000);

  const check = (cls: string, source: TraceSource) => {
    const r = report.classes.find((c) => c.className === cls);
    if (!r) throw new Error(`no report for ${cls}`);
    expect(r.unavailable, `${cls} could not be instantiated`).toBeUndefined();
    expect(r.results[source].total, `${cls} has no ${source} calls`).toBeGreaterThan(0);
    const mine = untolerated.filter((m) => m.className === cls && m.source === source);
    expect(mine.map(formatMismatch), `${cls} ${source}: mismatches not in TOLERATED`).toEqual([]);
    expect(matchRate(r.results[source]), `${cls} ${source} results`).toBeGreaterThanOrEqual(REQUIRED[source]);
    expect(matchRate(r.states[source]), `${cls} ${source} states`).toBeGreaterThanOrEqual(REQUIRED[source]);
  };

  for (const cls of classes) {
    it.runIf(runs("gt"))(`${cls}: 100% on gt traces`, () => check(cls, "gt"));
    if (hasShared) {
      it.runIf(runs("fuzz"))(`${cls}: >= 99% on fuzz_a, no untolerated mismatch`, () => check(cls, "fuzz"));
      it.runIf(runs("fuzz_b"))(`${cls}: >= 99% on fuzz_b, no untolerated mismatch`, () => check(cls, "fuzz_b"));
      it.runIf(runs("probe"))(`${cls}: >= 99% on probe_a, no untolerated mismatch`, () => check(cls, "probe"));
    } else if (process.env.CI) {
      // CI clones beside ../shared: a missing trace folder there is a broken checkout, not a reason to skip.
      it(`${cls}: fuzz_a, fuzz_b and probe_a traces are present in CI`, () => {
        throw new Error("the reference traces (fuzz_a, fuzz_b, probe_a) are missing: CI expects ../shared/bfcl/traces beside the clone (or RODS_BFCL_TRACES)");
      });
    } else {
      it.skip(`${cls}: fuzz_a and probe_a (skipped: only the gzipped gt copies in data/bfcl/traces are present)`, () => {});
    }
  }

  // A stale entry would hide a future regression at the same place: drop it once the mismatch is gone.
  const checkable = TOLERATED.filter((t) => classes.includes(t.className) && runs(t.source) && (t.source === "gt" || hasShared));
  it.runIf(checkable.length > 0)("every TOLERATED entry still matches a mismatch", () => {
    const stale = checkable.filter((t) => !report.mismatches.some((m) => tolerates(t, m)));
    expect(stale.map((t) => `[${t.source}] ${t.className} ${String(t.id)}`)).toEqual([]);
  });
});
