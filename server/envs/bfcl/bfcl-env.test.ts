import { describe, expect, it } from "vitest";
import { PyException, type BfclApiClass } from "./api-class";
import { bfclTools, createBfclEnvironment, heldBackFunctions, toolsForTurn } from "./bfcl-env";
import { PyFloat } from "./py-format";

/** A fake TicketAPI (its real func_docs drive binding): records calls, raises, returns odd values. */
function fakeTicketApi(): BfclApiClass {
  let state: { calls: string[]; counter: number } = { calls: [], counter: 0 };
  return {
    className: "TicketAPI",
    loadScenario(config) {
      state = { calls: [], counter: typeof config.ticket_counter === "number" ? config.ticket_counter : 0 };
    },
    publicState: () => ({ calls: [...state.calls], counter: state.counter }),
    tools: {
      close_ticket: ({ ticket_id }) => {
        state.calls.push(`close ${String(ticket_id)}`);
        return { status: `closed ${String(ticket_id)}` };
      },
      create_ticket: (args) => {
        state.counter++;
        return { id: state.counter, ...args };
      },
      edit_ticket: () => {
        throw new PyException("KeyError", "'id'");
      },
      get_ticket: () => new PyFloat(3),
      get_user_tickets: () => [{ a: "it's" }],
      logout: () => null,
      resolve_ticket: () => "plain string",
      ticket_get_login_status: () => true,
      ticket_login: ({ username }) => {
        if (username === "boom") throw new TypeError("unhashable type: 'list'");
        return { success: true };
      },
    },
    snapshot: () => structuredClone(state),
    restore: (s) => {
      state = structuredClone(s as typeof state);
    },
  };
}

const makeEnv = () =>
  createBfclEnvironment(
    { involvedClasses: ["TicketAPI", "MathAPI"], initialConfig: { TicketAPI: { ticket_counter: 5 } }, longContext: false },
    { createClass: (name) => (name === "TicketAPI" ? fakeTicketApi() : { className: "MathAPI", loadScenario() {}, publicState: () => ({}), tools: mathTools(), snapshot: () => null, restore() {} }) },
  );

function mathTools(): BfclApiClass["tools"] {
  const names = ["absolute_value", "add", "divide", "imperial_si_conversion", "logarithm", "max_value", "mean", "min_value", "multiply", "percentage", "power", "round_number", "si_unit_conversion", "square_root", "standard_deviation", "subtract", "sum_values"];
  return Object.fromEntries(names.map((n) => [n, (args: Record<string, unknown>) => ({ result: (args.a as number) + (args.b as number) })]));
}

describe("createBfclEnvironment", () => {
  it("formats results as BFCL records them", () => {
    const env = makeEnv();
    expect(env.executeString("create_ticket(title='x', priority=2)").output).toBe('{"id": 6, "title": "x", "priority": 2}');
    expect(env.executeString("get_ticket(ticket_id=1)").output).toBe("3.0");
    expect(env.executeString("get_user_tickets()").output).toBe(`[{'a': "it's"}]`);
    expect(env.executeString("logout()").output).toBe("None");
    expect(env.executeString("resolve_ticket(ticket_id=1, resolution='r')").output).toBe("plain string");
    expect(env.executeString("ticket_get_login_status()").output).toBe("True");
    expect(env.execute({ name: "add", args: { a: 1, b: 2.5 } })).toEqual({ output: '{"result": 3.5}', isError: false });
  });

  it("binds positional arguments to the first parameter", () => {
    const env = makeEnv();
    expect(env.executeString("close_ticket(7)").output).toBe('{"status": "closed 7"}');
  });

  it("raises Python's TypeErrors for bad arguments", () => {
    const env = makeEnv();
    expect(env.executeString("ticket_login(username='a')")).toEqual({
      output: "Error during execution: TicketAPI.ticket_login() missing 1 required positional argument: 'password'",
      isError: true,
    });
    expect(env.executeString("ticket_login()").output).toBe(
      "Error during execution: TicketAPI.ticket_login() missing 2 required positional arguments: 'username' and 'password'",
    );
    expect(env.executeString("close_ticket(ticket_id=1, force=True)").output).toBe(
      "Error during execution: TicketAPI.close_ticket() got an unexpected keyword argument 'force'",
    );
    expect(env.executeString("close_ticket(1, ticket_id=1)").output).toBe(
      "Error during execution: TicketAPI.close_ticket() got multiple values for argument 'ticket_id'",
    );
    expect(env.executeString("close_ticket(1, 2)").output).toBe(
      "Error during execution: TicketAPI.close_ticket() takes 2 positional arguments but 3 were given",
    );
    expect(env.executeString("logout(1)").output).toBe("Error during execution: TicketAPI.logout() takes 1 positional argument but 2 were given");
  });

  it("records exceptions, unknown functions and unparsable calls as errors", () => {
    const env = makeEnv();
    expect(env.executeString("edit_ticket(ticket_id=1, updates={})")).toEqual({ output: "Error during execution: 'id'", isError: true });
    expect(env.executeString("ticket_login(username='boom', password='p')").output).toBe("Error during execution: unhashable type: 'list'");
    expect(env.execute({ name: "cd", args: { folder: "x" } })).toEqual({ output: "Error during execution: name 'cd' is not defined", isError: true });
    const bad = env.executeString("close_ticket(ticket_id=x)");
    expect(bad.isError).toBe(true);
    expect(bad.output).toMatch(/^Error during execution: invalid call syntax/);
  });

  it("reports the state of stateful classes only, and snapshots/restores it", () => {
    const env = makeEnv();
    expect(Object.keys(env.state())).toEqual(["TicketAPI"]);
    env.executeString("close_ticket(ticket_id=1)");
    const snap = env.snapshot();
    env.executeString("close_ticket(ticket_id=2)");
    expect(env.state().TicketAPI.calls).toEqual(["close 1", "close 2"]);
    env.restore(snap);
    expect(env.state().TicketAPI.calls).toEqual(["close 1"]);
    expect(env.classOfTool("add")).toBe("MathAPI");
    expect(env.classOfTool("cd")).toBeUndefined();
  });

  it("gives each call fresh copies of container arguments", () => {
    let seen: unknown;
    const env = createBfclEnvironment(
      { involvedClasses: ["TicketAPI"], initialConfig: {}, longContext: false },
      {
        createClass: () => {
          const c = fakeTicketApi();
          return { ...c, tools: { ...c.tools, edit_ticket: ({ updates }) => ((seen = updates), null) } };
        },
      },
    );
    const updates = { status: "open" };
    env.execute({ name: "edit_ticket", args: { ticket_id: 1, updates } });
    expect(seen).toEqual(updates);
    expect(seen).not.toBe(updates);
  });
});

describe("tool schemas", () => {
  it("converts BFCL types to JSON Schema and drops response", () => {
    const tools = bfclTools(["MathAPI", "TicketAPI", "GorillaFileSystem", "TradingBot"]);
    const text = JSON.stringify(tools);
    expect(text).not.toMatch(/"type":"(dict|float|tuple|any)"/);
    expect(text).not.toContain('"response"');
    const add = tools.find((t) => t.function.name === "add");
    expect(add?.function.parameters).toMatchObject({
      type: "object",
      properties: { a: { type: "number", description: "First number." } },
      required: ["a", "b"],
    });
    const edit = tools.find((t) => t.function.name === "edit_ticket");
    expect(edit?.function.parameters).toMatchObject({ properties: { updates: { type: "object" } } });
  });

  it("holds back miss_func tools until their turn", () => {
    const entry = { involvedClasses: ["GorillaFileSystem"], missedFunction: { "3": ["sort"] } };
    expect(heldBackFunctions(entry, 2)).toEqual(["sort"]);
    expect(heldBackFunctions(entry, 3)).toEqual([]);
    const names = (t: number) => toolsForTurn(entry, t).map((x) => x.function.name);
    expect(names(0)).not.toContain("sort");
    expect(names(3)).toContain("sort");
    expect(names(4)).toContain("sort");
    expect(names(0)).toContain("ls");
  });
});
