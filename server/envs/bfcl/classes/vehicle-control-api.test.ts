// Unit tests of VehicleControlAPI; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createVehicleControlAPI } from "./vehicle-control-api";

describe("VehicleControlAPI snapshot/restore", () => {
  it("snapshot/restore round-trips state and the random generator", () => {
    const api = createVehicleControlAPI();
    api.loadScenario({}, false);
    const snap = api.snapshot();
    const first = api.tools.get_current_speed({});
    api.tools.fillFuelTank({ fuelAmount: 10 });
    api.restore(snap);
    expect(api.tools.get_current_speed({})).toEqual(first);
    expect(api.publicState().fuelLevel).toBe(0);
  });
});
