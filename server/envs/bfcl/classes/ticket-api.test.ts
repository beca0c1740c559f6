// Unit tests of TicketAPI; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createTicketAPI } from "./ticket-api";

const CLASS = "TicketAPI";

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
