// Differential test of TicketAPI against the reference traces, through the shared harness (../differential), plus
// snapshot/restore checks. Prints the class's match rates and every mismatch, tolerated or not.
import { describe, expect, it } from "vitest";
import { formatDifferentialReport, matchRate, runDifferential, type Mismatch } from "../differential";
import { sharedTraceDir } from "../traces";
import { createTicketAPI } from "./ticket-api";

const CLASS = "TicketAPI";

/** Mismatches we accept, each with the reason. */
const TOLERATED: { why: string; matches: (m: Mismatch) => boolean }[] = [];

describe(`${CLASS} differential check`, () => {
  if (!sharedTraceDir()) {
    it.skip("needs /work/shared/bfcl/traces (fuzz_a, probe_a) or RODS_BFCL_TRACES", () => {});
    return;
  }
  it("matches the reference traces", () => {
    const report = runDifferential({ classes: [CLASS] });
    const mine = report.classes.find((c) => c.className === CLASS);
    if (!mine) throw new Error(`no report for ${CLASS}`);
    const untolerated = report.mismatches.filter((m) => !TOLERATED.some((t) => t.matches(m)));
    const tolerated = report.mismatches.filter((m) => TOLERATED.some((t) => t.matches(m)));
    console.log(
      [
        formatDifferentialReport(report),
        `tolerated mismatches: ${tolerated.length}`,
        ...TOLERATED.map((t) => `  - ${t.why}: ${tolerated.filter((m) => t.matches(m)).map((m) => `${m.id} turn ${m.turn} ${m.kind}`).join(", ") || "none"}`),
      ].join("\n"),
    );
    expect(mine.unavailable).toBeUndefined();
    expect(untolerated).toEqual([]);
    expect(matchRate(mine.results.gt)).toBe(1);
    expect(matchRate(mine.states.gt)).toBe(1);
    for (const source of ["fuzz", "probe"] as const) {
      expect(matchRate(mine.results[source])).toBeGreaterThanOrEqual(0.99);
      expect(matchRate(mine.states[source])).toBeGreaterThanOrEqual(0.99);
    }
  }, 300_000);
});

describe(`${CLASS} snapshot/restore`, () => {
  it("restores the queue, counter and user", () => {
    const api = createTicketAPI();
    api.loadScenario({}, false);
    api.tools.ticket_login({ username: "u", password: "p" });
    api.tools.create_ticket({ title: "t" });
    const snap = api.snapshot();
    const before = api.publicState();
    api.tools.close_ticket({ ticket_id: 1 });
    api.tools.edit_ticket({ ticket_id: 1, updates: { priority: 3 } });
    api.tools.logout({});
    api.restore(snap);
    expect(api.publicState()).toEqual(before);
    expect(api.tools.get_user_tickets({ status: "open" })).toEqual([
      { id: 1, title: "t", description: "", status: "Open", priority: 1, created_by: "u" },
    ]);
  });
});
