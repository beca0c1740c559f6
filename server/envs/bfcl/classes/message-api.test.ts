// Unit tests of MessageAPI; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createMessageAPI } from "./message-api";

const CLASS = "MessageAPI";

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
