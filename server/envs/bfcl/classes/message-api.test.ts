// Differential test of MessageAPI against the reference traces, through the shared harness (../differential), plus
// snapshot/restore checks. Prints the class's match rates and every mismatch, tolerated or not.
import { describe, expect, it } from "vitest";
import { formatDifferentialReport, matchRate, runDifferential, type Mismatch } from "../differential";
import { sharedTraceDir } from "../traces";
import { createMessageAPI } from "./message-api";

const CLASS = "MessageAPI";

/** Mismatches we accept, each with the reason. */
const TOLERATED: { why: string; matches: (m: Mismatch) => boolean }[] = [
  {
    // Our call parser yields JS numbers, so add_contact(user_name=20000.0) stores the key 20000, which the
    // canonical state prints as "20000" where Python's float key prints "20000.0".
    why: "float dict key printed without .0",
    matches: (m) => m.kind === "state" && (m.differences ?? []).every((d) => /user_map\["?20000(\.0)?"?\]/.test(d.path)),
  },
];

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
  it("restores state and the id generator", () => {
    const api = createMessageAPI();
    api.loadScenario({ current_user: "USR001" }, false);
    expect(api.tools.send_message({ receiver_id: "USR002", message: "a" })).toMatchObject({ message_id: { new_id: 67410 } });
    const snap = api.snapshot();
    const before = api.publicState();
    expect(api.tools.send_message({ receiver_id: "USR003", message: "b" })).toMatchObject({ message_id: { new_id: 41772 } });
    api.tools.add_contact({ user_name: null });
    api.restore(snap);
    expect(api.publicState()).toEqual(before);
    expect(api.tools.send_message({ receiver_id: "USR003", message: "b" })).toMatchObject({ message_id: { new_id: 41772 } });
    api.restore(snap); // a snapshot survives being restored from
    expect(api.publicState()).toEqual(before);
  });
});
