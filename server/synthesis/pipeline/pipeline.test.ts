import { describe, expect, it } from "vitest";
import { parsedToToolCall } from "../../envs/bfcl/bfcl-env";
import { parseCall } from "../../envs/bfcl/python-call";
import type { RolloutTask } from "../../policies/types";
import { callSource, isFailedResult } from "./calls";
import { executePlan } from "./execute";
import { limitViolation } from "./limits";
import type { ExecutedCall, TaskPlan } from "./model";
import { SynthesisFailure } from "./model";
import { diagnoseFailure } from "./patches";
import { analyseSeed } from "./seed-layout";
import { heuristicVerdict, leakedNames } from "./text-checks";

describe("callSource", () => {
  it("writes Python-syntax calls that parse back to the same arguments", () => {
    const args = { content: "It's a \"test\"\nline two", file_name: "notes.txt" };
    const source = callSource("echo", args);
    expect(source.startsWith("echo(content=")).toBe(true);
    expect(parseCall(source).args).toEqual(args);
    const order = callSource("place_order", { amount: 3, symbol: "AAPL", price: 227, order_type: "Buy" });
    // Schema order, and BFCL's "227.0" for an integral float.
    expect(order).toBe("place_order(order_type='Buy', symbol='AAPL', price=227.0, amount=3)");
    const edit = callSource("edit_ticket", { ticket_id: 2, updates: { status: "Closed", priority: 4 } });
    expect(parsedToToolCall(parseCall(edit)).args).toEqual({ ticket_id: 2, updates: { status: "Closed", priority: 4 } });
    expect(callSource("lockDoors", { unlock: false, door: ["driver"] })).toBe("lockDoors(unlock=False, door=['driver'])");
  });
});

describe("isFailedResult", () => {
  it("counts exceptions, error replies, error lists and do-nothing replies as failures", () => {
    expect(isFailedResult("cd", "Error during execution: boom")).toBe(true);
    expect(isFailedResult("cd", '{"error": "cd: x: No such file or directory"}')).toBe(true);
    expect(isFailedResult("get_watchlist", "['Error: User not authenticated. Please log in to view the watchlist.']")).toBe(true);
    expect(isFailedResult("get_user_tickets", "[{'error': 'User not authenticated.'}]")).toBe(true);
    expect(isFailedResult("message_login", '{"login_status": false, "message": "User ID \'X\' not found."}')).toBe(true);
    expect(isFailedResult("message_get_login_status", '{"login_status": false}')).toBe(false);
    expect(isFailedResult("ls", '{"current_directory_content": ["a.txt"]}')).toBe(false);
    expect(isFailedResult("touch", "None")).toBe(false);
  });
});

describe("limitViolation", () => {
  it("finds strings over 200 characters and lists over 5 items at any depth", () => {
    expect(limitViolation({ a: "x".repeat(200), b: [1, 2, 3, 4, 5] })).toBeUndefined();
    expect(limitViolation({ a: "x".repeat(201) })).toMatch(/201 characters/);
    expect(limitViolation({ u: { messages: [1, 2, 3, 4, 5, 6] } })).toMatch(/u\.messages: list of 6/);
  });
});

describe("diagnoseFailure", () => {
  const state = {};
  it("maps patchable failures to config patches", () => {
    expect(diagnoseFailure({ className: "TradingBot", name: "get_watchlist", args: {}, output: "['Error: User not authenticated. Please log in to view the watchlist.']" }, {}, state)).toEqual([
      { className: "TradingBot", field: "authenticated", value: true, reason: "log in before get_watchlist" },
    ]);
    expect(diagnoseFailure({ className: "TradingBot", name: "withdraw_funds", args: { amount: 5 }, output: '{"error": "Market is closed. Transactions are not allowed."}' }, {}, state)).toMatchObject([
      { field: "market_status", value: "Open" },
    ]);
    const funds = diagnoseFailure(
      { className: "TradingBot", name: "place_order", args: {}, output: '{"error": "Insufficient funds: required $3000.00 but only $100.00 available."}' },
      { TradingBot: { account_info: { account_id: 1, balance: 100 } } },
      state,
    );
    expect(funds?.[0]).toMatchObject({ field: "account_info", value: { account_id: 1, balance: 4600 } });
    expect(
      diagnoseFailure({ className: "VehicleControlAPI", name: "startEngine", args: {}, output: '{"error": "All doors must be locked before starting the engine. Here are the unlocked doors: driver"}' }, {}, state)?.[0],
    ).toMatchObject({ field: "doorStatus", value: { driver: "locked", passenger: "locked", rear_left: "locked", rear_right: "locked" } });
    expect(
      diagnoseFailure({ className: "TravelAPI", name: "book_flight", args: { access_token: "tok" }, output: '{"booking_status": false, "error": "Invalid access token"}' }, {}, { TravelAPI: { access_token: null } })?.[0],
    ).toMatchObject({ field: "access_token", value: "tok" });
  });

  it("leaves failures no config can fix alone", () => {
    expect(diagnoseFailure({ className: "GorillaFileSystem", name: "cat", args: {}, output: "{\"error\": \"cat: 'x': No such file or directory\"}" }, {}, state)).toBeNull();
    expect(diagnoseFailure({ className: "TravelAPI", name: "book_flight", args: { card_id: "c" }, output: '{"booking_status": false, "error": "Insufficient funds"}' }, {}, state)).toBeNull();
  });
});

describe("executePlan", () => {
  const source = (s: string) => {
    const c = parsedToToolCall(parseCall(s));
    return { name: c.name, args: c.args, source: s };
  };
  const seed: RolloutTask = {
    id: "s",
    category: "base",
    involvedClasses: ["TradingBot"],
    initialConfig: {},
    longContext: false,
    turns: [[{ role: "user", content: "x" }]],
    groundTruth: [[source("get_watchlist()")]],
    missedFunctions: {},
  };
  const plan: TaskPlan = { turns: [[{ className: "TradingBot", name: "get_watchlist" }]] };

  it("patches the config to log in, records the patch, and runs the plan's call", () => {
    const layout = analyseSeed(seed);
    const run = executePlan({ seed, layout, plan, rngSeed: 1, maxPatches: 3, targetDepth: 0 });
    expect(run.patches).toEqual([{ className: "TradingBot", field: "authenticated", value: true, reason: "log in before get_watchlist" }]);
    expect(run.initialConfig.TradingBot.authenticated).toBe(true);
    expect(run.turns[0].map((c) => c.source)).toEqual(["get_watchlist()"]);
    expect(run.turns[0][0].result).toContain("watchlist");
  });

  it("drops with vm_exec_failed when the call needs a patch and K_max = 0", () => {
    const layout = analyseSeed(seed);
    let failure: unknown;
    try {
      executePlan({ seed, layout, plan, rngSeed: 1, maxPatches: 0, targetDepth: 0 });
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(SynthesisFailure);
    expect((failure as SynthesisFailure).errorType).toBe("vm_exec_failed");
    expect((failure as SynthesisFailure).message).toMatch(/patches exhausted/);
  });

  it("uses proposed arguments first and falls back to grounded ones when they fail", () => {
    const layout = analyseSeed(seed);
    const withArgs: TaskPlan = { turns: [[{ className: "TradingBot", name: "get_stock_info", args: { symbol: "NOPE" } }]] };
    const run = executePlan({ seed, layout, plan: withArgs, rngSeed: 1, maxPatches: 3, targetDepth: 0 });
    expect(run.turns[0]).toHaveLength(1);
    expect(run.turns[0][0].name).toBe("get_stock_info");
    expect(run.turns[0][0].args.symbol).not.toBe("NOPE");
  });
});

describe("text checks", () => {
  const call: ExecutedCall = { className: "GorillaFileSystem", name: "cat", args: { file_name: "get_stock_info.txt" }, source: "", result: '{"file_content": "hi"}', depth: 0 };
  it("finds tool names and parameter identifiers outside the argument values", () => {
    expect(leakedNames("Show me what's inside 'get_stock_info.txt'.", [call])).toEqual([]);
    expect(leakedNames("Use cat on the file_name 'get_stock_info.txt'.", [call])).toEqual(["cat", "file_name"]);
    // Everyday words that are also tool names pass unless the check is strict.
    expect(leakedNames("Please sort it out.", [call])).toEqual([]);
    expect(leakedNames("Please sort it out.", [call], { isStrict: true })).toEqual(["sort"]);
  });

  it("masks argument values as whole words only, so a short value does not hide a name it sits inside", () => {
    const short: ExecutedCall = { ...call, name: "mkdir", args: { dir_name: "a" } };
    // "a" is inside "cat": cutting it out left "c t" and the leak went unseen (an edit naming a tool passed the gate).
    expect(leakedNames("Make a folder called a, then use cat on it.", [short])).toEqual(["cat"]);
    expect(leakedNames("Make a folder called a.", [short])).toEqual([]);
  });

  it("rejects a turn that leaves out a value its calls need", () => {
    expect(heuristicVerdict([{ text: "Show me what's inside 'get_stock_info.txt'.", calls: [call] }]).isAccepted).toBe(true);
    const verdict = heuristicVerdict([{ text: "Show me what's inside the file.", calls: [call] }]);
    expect(verdict.isAccepted).toBe(false);
    expect(verdict.reasons[0]).toContain("file_name");
  });
});
