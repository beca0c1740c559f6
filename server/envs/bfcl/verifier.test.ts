import { describe, expect, it } from "vitest";
import type { ToolCall } from "../types";
import type { BfclApiClass } from "./api-class";
import { parsedToToolCall } from "./bfcl-env";
import { BFCL_CATEGORIES, loadBfclEntries } from "./data";
import { parseCall } from "./python-call";
import { createBfclClass } from "./registry";
import { prepareGroundTruth, verifyTrajectory, type VerifierEntry } from "./verifier";

interface Ticket {
  id: number;
  title: string;
  priority: number;
  status: string;
}

/** A small ticket store behind TicketAPI's real func_docs. */
function fakeTicketApi(): BfclApiClass {
  let tickets: Record<string, Ticket> = {};
  let counter = 0;
  return {
    className: "TicketAPI",
    loadScenario() {
      tickets = {};
      counter = 0;
    },
    publicState: () => ({ ticket_queue: structuredClone(tickets), ticket_counter: counter }),
    tools: {
      create_ticket: ({ title, priority }) => {
        counter++;
        tickets[counter] = { id: counter, title: String(title), priority: (priority as number | undefined) ?? 1, status: "Open" };
        return { id: counter };
      },
      get_ticket: ({ ticket_id }) => (tickets[String(ticket_id)] ? { ...tickets[String(ticket_id)] } : { error: `Ticket with ID ${String(ticket_id)} not found.` }),
      close_ticket: ({ ticket_id }) => {
        const t = tickets[String(ticket_id)];
        if (!t) return { error: `Ticket with ID ${String(ticket_id)} not found.` };
        t.status = "Closed";
        return { status: `Ticket ${String(ticket_id)} has been closed successfully.` };
      },
      ticket_get_login_status: () => ({ username: "tester" }),
      edit_ticket: () => null,
      get_user_tickets: () => Object.values(tickets),
      logout: () => ({ success: true }),
      resolve_ticket: () => null,
      ticket_login: () => ({ success: true }),
    },
    snapshot: () => structuredClone({ tickets, counter }),
    restore: (s) => {
      ({ tickets, counter } = structuredClone(s as { tickets: Record<string, Ticket>; counter: number }));
    },
  };
}

const envOptions = { createClass: () => fakeTicketApi() };

const entry: VerifierEntry = {
  involvedClasses: ["TicketAPI"],
  initialConfig: {},
  longContext: false,
  groundTruth: [
    ["create_ticket(title='A')"],
    ["get_ticket(ticket_id=1)", "close_ticket(ticket_id=1)"],
    [],
    ["create_ticket(title='B', priority=3)"],
  ],
};

const calls = (...sources: string[]): ToolCall[] => sources.map((s) => parsedToToolCall(parseCall(s)));
const perfect = (): ToolCall[][] => entry.groundTruth.map((turn) => calls(...turn));
const verify = (modelCalls: ToolCall[][]) => verifyTrajectory({ entry, modelCalls, envOptions });

describe("verifyTrajectory", () => {
  it("gives a perfect trajectory reward 1", () => {
    const v = verify(perfect());
    expect(v).toEqual({ progressReward: 1, success: true, turns: entry.groundTruth.map(() => ({ stateOk: true, execOk: true })) });
  });

  it("fails from the turn with a wrong argument on, naming the class and field", () => {
    const model = perfect();
    model[1] = calls("get_ticket(ticket_id=1)", "close_ticket(ticket_id=2)");
    const v = verify(model);
    expect(v.progressReward).toBe(0.25);
    expect(v.success).toBe(false);
    expect(v.turns[1].stateOk).toBe(false);
    expect(v.turns[1].reason).toMatch(/^state of TicketAPI differs at ticket_queue\["1"\]\.status: expected "Closed", got "Open"/);
    expect(v.turns[3].stateOk).toBe(false);
  });

  it("fails only the turn whose ground-truth result is missing", () => {
    const model = perfect();
    model[1] = calls("close_ticket(ticket_id=1)");
    const v = verify(model);
    expect(v.progressReward).toBe(0.75);
    expect(v.turns[1]).toMatchObject({ stateOk: true, execOk: false });
    expect(v.turns[1].reason).toMatch(/^ground-truth result missing: \{"id": 1, "title": "A", .*\(from get_ticket\(ticket_id=1\)\)/);
  });

  it("accepts a result obtained in an earlier turn (results so far)", () => {
    const model = perfect();
    model[0] = calls("create_ticket(title='A')", "get_ticket(ticket_id=1)");
    model[1] = calls("close_ticket(ticket_id=1)");
    expect(verify(model).progressReward).toBe(1);
  });

  it("tolerates an extra harmless read call", () => {
    const model = perfect();
    model[0] = calls("ticket_get_login_status()", "create_ticket(title='A')", "get_ticket(ticket_id=7)");
    expect(verify(model)).toMatchObject({ progressReward: 1, success: true });
  });

  it("fails a turn where the model acts although the ground truth is empty", () => {
    const model = perfect();
    model[2] = calls("create_ticket(title='C')");
    const v = verify(model);
    expect(v.progressReward).toBe(0.5);
    expect(v.turns[2]).toMatchObject({ stateOk: false, execOk: true });
    expect(v.turns[2].reason).toMatch(/state of TicketAPI differs/);
  });

  it("counts turns a model never reached as failed", () => {
    const v = verify(perfect().slice(0, 2));
    expect(v.progressReward).toBe(0.5);
    expect(v.turns.slice(2)).toEqual([
      { stateOk: false, execOk: false, reason: "turn not reached" },
      { stateOk: false, execOk: false, reason: "turn not reached" },
    ]);
  });

  it("gives the same verdicts with a shared prepared ground truth", () => {
    const prepared = prepareGroundTruth(entry, envOptions);
    const model = perfect();
    model[1] = calls("close_ticket(ticket_id=1)");
    const a = verifyTrajectory({ entry, modelCalls: model, prepared, envOptions });
    const b = verifyTrajectory({ entry, modelCalls: perfect(), prepared, envOptions });
    expect(a).toEqual(verify(model));
    expect(b.progressReward).toBe(1);
    expect(prepared.turns[1].results[1]).toBe('{"status": "Ticket 1 has been closed successfully."}');
  });
});

describe("verifyTrajectory on the BFCL entries", () => {
  const available = new Set<string>();
  for (const cls of ["GorillaFileSystem", "MathAPI", "MessageAPI", "TwitterAPI", "TicketAPI", "TradingBot", "TravelAPI", "VehicleControlAPI"]) {
    try {
      createBfclClass(cls);
      available.add(cls);
    } catch {
      // a class still being written: its entries are skipped below
    }
  }

  it("scores the ground truth itself 1 on every entry whose classes exist", () => {
    let checked = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const category of BFCL_CATEGORIES) {
      for (const e of loadBfclEntries(category)) {
        if (!e.involvedClasses.every((c) => available.has(c))) {
          skipped++;
          continue;
        }
        checked++;
        const modelCalls = e.groundTruth.map((turn) => turn.map((s) => parsedToToolCall(parseCall(s))));
        const v = verifyTrajectory({ entry: e, modelCalls });
        if (!v.success) failures.push(`${e.id}: ${v.turns.find((t) => t.reason)?.reason ?? "?"}`);
      }
    }
    console.log(`ground truth self-verification: ${checked} entries checked, ${skipped} skipped (classes not yet available)`);
    expect(failures).toEqual([]);
  }, 300_000);

  it("re-executes the ground truth to the same verdict through the pooled environment (snapshot/restore)", () => {
    const failures: string[] = [];
    for (const category of BFCL_CATEGORIES) {
      for (const e of loadBfclEntries(category)) {
        if (!e.involvedClasses.every((c) => available.has(c)) || e.groundTruth.length === 0) continue;
        const prepared = prepareGroundTruth(e);
        const perfect = e.groundTruth.map((turn) => turn.map((s) => parsedToToolCall(parseCall(s))));
        // An unknown, state-neutral call first forces real execution of every turn.
        const divergent = perfect.map((t, i) => (i === 0 ? [{ name: "no_such_tool", args: {} }, ...t] : t));
        // A rollout that changes state, then the same divergent rollout again: the pool must restore the start state.
        const harmful = perfect.map((t) => [...t, ...t]);
        const runs = [divergent, harmful, divergent].map((modelCalls) => verifyTrajectory({ entry: e, modelCalls, prepared }));
        for (const k of [0, 2]) if (!runs[k].success) failures.push(`${e.id} run ${k}: ${runs[k].turns.find((t) => t.reason)?.reason ?? "?"}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
