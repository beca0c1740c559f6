// Differential test of the BFCL environment against the reference traces. BFCL_CLASS=TicketAPI (comma-separated
// for several) restricts it to some classes; BFCL_SOURCES=gt,fuzz,probe restricts the trace files.
import { beforeAll, describe, expect, it } from "vitest";
import { BFCL_CLASSES } from "./data";
import { formatDifferentialReport, matchRate, runDifferential, type DifferentialReport, type TraceSource } from "./differential";
import { sharedTraceDir } from "./traces";

const classFilter = process.env.BFCL_CLASS?.split(",").map((s) => s.trim()).filter(Boolean);
const sourceFilter = process.env.BFCL_SOURCES?.split(",").map((s) => s.trim()) as TraceSource[] | undefined;
const classes = classFilter && classFilter.length > 0 ? classFilter : [...BFCL_CLASSES];
const hasShared = sharedTraceDir() !== undefined;
const runs = (s: TraceSource) => !sourceFilter || sourceFilter.includes(s);

const REQUIRED: Record<TraceSource, number> = { gt: 1, fuzz: 0.99, probe: 0.99 };

describe("BFCL differential replay", () => {
  let report: DifferentialReport;

  beforeAll(() => {
    report = runDifferential({ classes, sources: sourceFilter });
    console.log(formatDifferentialReport(report));
  }, 600_000);

  const check = (cls: string, source: TraceSource) => {
    const r = report.classes.find((c) => c.className === cls);
    if (!r) throw new Error(`no report for ${cls}`);
    expect(r.unavailable, `${cls} could not be instantiated`).toBeUndefined();
    const mine = report.mismatches.filter((m) => m.className === cls && m.source === source).slice(0, 5);
    const hint = mine.map((m) => `${m.id} turn ${m.turn} ${m.kind}${m.call ? ` ${m.call}` : ""}`).join("\n");
    expect(matchRate(r.results[source]), `${cls} ${source} results; first mismatches:\n${hint}`).toBeGreaterThanOrEqual(REQUIRED[source]);
    expect(matchRate(r.states[source]), `${cls} ${source} states; first mismatches:\n${hint}`).toBeGreaterThanOrEqual(REQUIRED[source]);
  };

  for (const cls of classes) {
    it.runIf(runs("gt"))(`${cls}: 100% on gt traces`, () => check(cls, "gt"));
    if (hasShared) {
      it.runIf(runs("fuzz"))(`${cls}: >= 99% on fuzz_a`, () => check(cls, "fuzz"));
      it.runIf(runs("probe"))(`${cls}: >= 99% on probe_a`, () => check(cls, "probe"));
    } else {
      it.skip(`${cls}: fuzz_a and probe_a (skipped: /work/shared/bfcl/traces not present)`, () => {});
    }
  }
});
