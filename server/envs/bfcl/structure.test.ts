import { describe, expect, it } from "vitest";
import { parseCall } from "./python-call";
import { argumentValues, resultMentions, structureProfile } from "./structure";

const classOf = (name: string) =>
  ({ cd: "GorillaFileSystem", mv: "GorillaFileSystem", diff: "GorillaFileSystem", echo: "GorillaFileSystem", post_tweet: "TwitterAPI", comment: "TwitterAPI", get_stock_info: "TradingBot", place_order: "TradingBot", get_symbol_by_name: "TradingBot" })[name];

describe("structureProfile", () => {
  it("counts classes and calls per turn, and finds data dependencies with their depth", () => {
    const gt = [
      ["cd(folder='document')", "mv(source='a.txt', destination='temp')", "diff(file_name1='a.txt', file_name2='b.txt')"],
      ["echo(content='- line a\\n+ line b', file_name='out.txt')", "post_tweet(content='done', tags=['#x'])"],
      ["comment(tweet_id=0, comment_content='ok')"],
      [],
    ].map((t) => t.map(parseCall));
    const results = [
      ['{"current_working_directory": "document"}', "{\"result\": \"'a.txt' moved to 'temp/a.txt'\"}", '{"diff_lines": "- line a\\n+ line b"}'],
      ["None", '{"id": 0, "username": "u", "content": "done", "tags": ["#x"], "mentions": []}'],
      ['{"comment_status": "Comment added successfully"}'],
      [],
    ];
    const p = structureProfile(gt, classOf, results);
    expect(p.turns).toBe(4);
    expect(p.callsPerTurn).toEqual([3, 2, 1, 0]);
    expect(p.classesPerTurn).toEqual([["GorillaFileSystem"], ["GorillaFileSystem", "TwitterAPI"], ["TwitterAPI"], []]);
    // diff's file_name1 'a.txt' shows up in mv's result, but mv was given 'a.txt' itself: an echo, not a dependency.
    expect(p.dependencies).toEqual([
      { from: [0, 2], to: [1, 0] },
      { from: [1, 1], to: [2, 0] },
    ]);
    expect(p.dependencyDepth).toBe(1);
  });

  it("follows chains across turns", () => {
    const gt = [["get_symbol_by_name(name='Zeta Corp')"], ["get_stock_info(symbol='ZETA')"], ["place_order(order_type='Buy', symbol='ZETA', price=22.5, amount=10)"]].map((t) => t.map(parseCall));
    const results = [['{"symbol": "ZETA"}'], ['{"price": 22.5, "percent_change": 0.05}'], ['{"order_id": 12446, "status": "Pending"}']];
    const p = structureProfile(gt, classOf, results);
    // place_order's symbol comes from get_symbol_by_name (get_stock_info was only given it), its price from get_stock_info.
    expect(p.dependencies).toEqual([
      { from: [0, 0], to: [1, 0] },
      { from: [0, 0], to: [2, 0] },
      { from: [1, 0], to: [2, 0] },
    ]);
    expect(p.dependencyDepth).toBe(2);
    expect(structureProfile(gt, classOf).dependencies).toEqual([]);
  });

  it("ignores trivial argument values and matches whole tokens only", () => {
    expect(argumentValues(parseCall("f(a=True, b=None, c='', d='x', e='ab', f=[1, 'cd'], g={'k': 'vv'})"))).toEqual(["ab", "1", "cd", "vv"]);
    expect(resultMentions('{"id": 10}', "1")).toBe(false);
    expect(resultMentions('{"id": 1, "n": 2}', "1")).toBe(true);
    expect(resultMentions('{"price": 22.5}', "22.5")).toBe(true);
    expect(resultMentions('{"total": 150.0}', "150")).toBe(true);
    expect(resultMentions("{\"result\": \"'temp/a.txt'\"}", "temp")).toBe(true);
    expect(resultMentions('{"r": "template"}', "temp")).toBe(false);
    expect(resultMentions("3", "3")).toBe(true);
  });
});
