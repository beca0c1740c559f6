import { describe, expect, it } from "vitest";
import type { BfclApiClass } from "./api-class";
import { funcDocs } from "./data";
import { replayLine } from "./replay";
import { stateDigest } from "./trace-diff";

function counterTicketApi(): BfclApiClass {
  let n = 0;
  return {
    className: "TicketAPI",
    loadScenario: (config) => {
      n = typeof config.ticket_counter === "number" ? config.ticket_counter : 0;
    },
    publicState: () => ({ ticket_counter: n }),
    tools: {
      ...Object.fromEntries(funcDocs("TicketAPI").map((d) => [d.name, () => "unused"])),
      create_ticket: () => ({ id: ++n }),
      logout: () => null,
    },
    snapshot: () => n,
    restore: (s) => {
      n = s as number;
    },
  };
}

describe("replayLine", () => {
  it("replays calls turn by turn in the trace format", () => {
    const out = replayLine(
      JSON.stringify({ id: "x", involved_classes: ["TicketAPI"], initial_config: { TicketAPI: { ticket_counter: 3 } }, turns: [["create_ticket(title='a')", "logout()"], ["nope()"]] }),
      { createClass: () => counterTicketApi() },
    );
    expect(out).toEqual({
      id: "x",
      initial_state: { TicketAPI: { ticket_counter: 3 } },
      initial_state_digest: stateDigest({ TicketAPI: { ticket_counter: 3 } }),
      turns: [
        { calls: ["create_ticket(title='a')", "logout()"], results: ['{"id": 4}', "None"], state: { TicketAPI: { ticket_counter: 4 } }, state_digest: stateDigest({ TicketAPI: { ticket_counter: 4 } }) },
        { calls: ["nope()"], results: ["Error during execution: name 'nope' is not defined"], state: { TicketAPI: { ticket_counter: 4 } }, state_digest: stateDigest({ TicketAPI: { ticket_counter: 4 } }) },
      ],
    });
  });

  it("rejects malformed lines with a readable message", () => {
    expect(() => replayLine("{not json")).toThrow(/not JSON/);
    expect(() => replayLine({ id: "x", involved_classes: [], turns: [] })).toThrow(/involved_classes/);
  });
});
