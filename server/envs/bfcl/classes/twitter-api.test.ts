// Differential test of TwitterAPI against the reference traces, through the shared harness (../differential), plus
// snapshot/restore checks. Prints the class's match rates and every mismatch, tolerated or not.
import { describe, expect, it } from "vitest";
import { formatDifferentialReport, matchRate, runDifferential, type Mismatch } from "../differential";
import { sharedTraceDir } from "../traces";
import { createTwitterAPI } from "./twitter-api";

const CLASS = "TwitterAPI";

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
  it("restores tweets, comments, retweets and follows", () => {
    const api = createTwitterAPI();
    api.loadScenario({ authenticated: true, tweets: { "0": { id: 0, username: "john", content: "hi", tags: [], mentions: [] } }, tweet_counter: 1 }, false);
    const snap = api.snapshot();
    const before = api.publicState();
    api.tools.post_tweet({ content: "x" });
    api.tools.comment({ tweet_id: true, comment_content: "c" });
    api.tools.retweet({ tweet_id: 0 });
    api.tools.mention({ tweet_id: 0, mentioned_usernames: ["@a"] });
    api.tools.unfollow_user({ username_to_unfollow: "alice" });
    expect(api.publicState()).toMatchObject({ comments: { True: [{ username: "john", content: "c" }] }, retweets: { john: [0] } });
    api.restore(snap);
    expect(api.publicState()).toEqual(before);
  });
});
