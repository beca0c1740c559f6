// Grounders of VehicleControlAPI: doors, fuel and engine from the state, cities and zip codes from the class's
// lookup tables, distances and addresses from earlier results when there are any.
import tables from "../../../envs/bfcl/classes/data/vehicle-tables.json";
import { asRecord, classState, randInt, resultNumbers, resultsOf, round2, sample, type Args, type Grounder, type GroundingContext } from "./context";

const DOORS = ["driver", "passenger", "rear_left", "rear_right"];
const STATUS_OPTIONS = ["fuel", "battery", "doors", "climate", "headlights", "parkingBrake", "brakePedal", "engine"];
const DESTINATIONS = ["2107 Channing Way, Berkeley, CA", "456 Oakwood Avenue, Rivermist, 83214", "12 Harbor Road, Stonebrook", "88 Pine Street, Silverpine"];
const LOG_LINES = ["Checked tire pressure", "Doors locked", "Engine started", "Climate set for the trip", "Navigation ready"];

const zipcodes = tables.cityZipcodes as Record<string, string>;
const distances = tables.distances as [string, string, number][];

function vehicle(ctx: GroundingContext) {
  const s = classState(ctx, "VehicleControlAPI");
  return {
    fuel: typeof s.fuelLevel === "number" ? s.fuelLevel : 0,
    doors: asRecord(s.doorStatus),
    engine: s.engine_state,
  };
}

/** Zip-code pairs the distance table knows, preferring codes an earlier result returned. */
function zipPairs(ctx: GroundingContext): [string, string][] {
  const seen = new Set<string>();
  for (const r of resultsOf(ctx, ["get_zipcode_based_on_city"])) {
    const z = asRecord(r).zipcode;
    if (typeof z === "string") seen.add(z);
  }
  const all = distances.flatMap(([a, b]): [string, string][] => [[a, b], [b, a]]);
  const preferred = all.filter(([a, b]) => seen.has(a) || seen.has(b));
  return [...sample(ctx, preferred, 2), ...sample(ctx, all, 3)];
}

function distanceValues(ctx: GroundingContext): number[] {
  const fromResults: number[] = [];
  for (const r of resultsOf(ctx, ["estimate_distance"])) {
    const d = asRecord(r).distance;
    if (typeof d === "number") fromResults.push(d);
  }
  return [...fromResults.slice(0, 2), ...sample(ctx, [120, 300, 450, 800], 2)];
}

function measures(ctx: GroundingContext): number[] {
  // Earlier results are reused only when they are plausible volumes (a 780 km distance is no tank size).
  const fromResults = resultNumbers(ctx).filter((n) => n > 0 && n <= 100).slice(0, 2);
  return [...fromResults, randInt(ctx, 5, 30), round2(2 + ctx.rng.next() * 20)];
}

export const VEHICLE_GROUNDERS: Record<string, Grounder> = {
  check_tire_pressure: () => [{}],
  find_nearest_tire_shop: () => [{}],
  get_current_speed: () => [{}],
  get_outside_temperature_from_google: () => [{}],
  releaseBrakePedal: () => [{}],
  activateParkingBrake: (ctx) => sample(ctx, [{ mode: "engage" }, { mode: "release" }], 2),
  adjustClimateControl: (ctx) =>
    [0, 1].map(() => {
      const isF = ctx.rng.next() < 0.3;
      const args: Args = { temperature: isF ? randInt(ctx, 64, 78) : randInt(ctx, 18, 26) };
      if (isF) args.unit = "fahrenheit";
      if (ctx.rng.next() < 0.5) args.fanSpeed = ctx.rng.pick([20, 40, 50, 60, 80]);
      if (ctx.rng.next() < 0.5) args.mode = ctx.rng.pick(["auto", "cool", "heat", "defrost"]);
      return args;
    }),
  displayCarStatus: (ctx) => sample(ctx, STATUS_OPTIONS, 3).map((option) => ({ option })),
  display_log: (ctx) => [0, 1].map(() => ({ messages: sample(ctx, LOG_LINES, randInt(ctx, 1, 3)) })),
  estimate_distance: (ctx) => zipPairs(ctx).map(([cityA, cityB]) => ({ cityA, cityB })),
  estimate_drive_feasibility_by_mileage: (ctx) => distanceValues(ctx).map((distance) => ({ distance })),
  fillFuelTank: (ctx) => {
    const room = 50 - vehicle(ctx).fuel;
    if (room <= 0) return [];
    return [...new Set([Math.min(room, randInt(ctx, 5, 30)), room, Math.max(1, Math.floor(room / 2))])].filter((x) => x > 0).map((fuelAmount) => ({ fuelAmount }));
  },
  gallon_to_liter: (ctx) => measures(ctx).map((gallon) => ({ gallon })),
  liter_to_gallon: (ctx) => measures(ctx).map((liter) => ({ liter })),
  get_zipcode_based_on_city: (ctx) => sample(ctx, Object.keys(zipcodes), 3).map((city) => ({ city })),
  lockDoors: (ctx) => {
    const doors = vehicle(ctx).doors;
    const unlocked = DOORS.filter((d) => doors[d] === "unlocked");
    const locked = DOORS.filter((d) => doors[d] === "locked");
    const out: Args[] = [];
    if (unlocked.length) out.push({ unlock: false, door: unlocked });
    if (locked.length) out.push({ unlock: true, door: sample(ctx, locked, randInt(ctx, 1, locked.length)) });
    if (!out.length) out.push({ unlock: false, door: DOORS });
    return out;
  },
  pressBrakePedal: (ctx) => sample(ctx, [0.5, 0.8, 1, 0.3], 2).map((pedalPosition) => ({ pedalPosition })),
  setCruiseControl: (ctx) =>
    [0, 1].map(() => ({ speed: 5 * randInt(ctx, 8, 16), activate: true, distanceToNextVehicle: ctx.rng.pick([30, 50, 75, 100]) })),
  setHeadlights: (ctx) => sample(ctx, [{ mode: "on" }, { mode: "off" }, { mode: "auto" }], 2),
  set_navigation: (ctx) => {
    const fromResults: string[] = [];
    for (const r of resultsOf(ctx, ["find_nearest_tire_shop"])) {
      const a = asRecord(r).shopLocation;
      if (typeof a === "string") fromResults.push(a);
    }
    return [...fromResults.slice(0, 1), ...sample(ctx, DESTINATIONS, 2)].map((destination) => ({ destination }));
  },
  startEngine: (ctx) => [{ ignitionMode: vehicle(ctx).engine === "running" ? "STOP" : "START" }],
};
