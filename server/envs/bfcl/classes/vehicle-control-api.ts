// VehicleControlAPI: the simulated car of BFCL multi-turn (engine, doors, climate, brakes, navigation, unit
// conversions). Behaviour, messages and lookup tables are inferred from the reference traces; tools receive
// keyword arguments as JS values and follow Python's semantics for odd argument types (the fuzz traces pass any).
import { PyException, type BfclApiClass, type PyValue } from "../api-class";
import { classTable, longContextData } from "../data";
import { PyRandom, type PyRandomSnapshot } from "../py-random";
import tables from "./data/vehicle-tables.json";

const CLASS_NAME = "VehicleControlAPI";
type DoorStatus = Record<string, unknown>;

const MAX_FUEL = 50;
const MILES_PER_GALLON = 20.0;
const GALLON_TO_LITER = 3.78541;
const LITER_TO_GALLON = 0.264172;
const MAX_BRAKE_FORCE = 1000.0;
const PARKING_BRAKE_FORCE = 500.0;
const SLOPE_ANGLE = 10.0;
const MAX_CRUISE_SPEED = 120;
// The traces show 30/30/30/30 healthy and any tire at 28 unhealthy; nothing above 35 is ever seen.
const MIN_TIRE_PSI = 30;
const MAX_TIRE_PSI = 35;
const TIRE_SHOP = "456 Oakwood Avenue, Rivermist, 83214";

// ---- Python semantics for loosely typed arguments ----

function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  return "dict";
}

function typeError(message: string): PyException {
  return new PyException("TypeError", message);
}

/** The numeric value of an int/float/bool, or undefined for anything Python would not compare with a number. */
function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** `left <op> right` where one side is a number the code wrote: Python raises TypeError for non-numbers. */
function numOperand(v: unknown, op: string, constType: string, constOnLeft: boolean): number {
  const n = asNumber(v);
  if (n !== undefined) return n;
  const [a, b] = constOnLeft ? [constType, pyTypeName(v)] : [pyTypeName(v), constType];
  throw typeError(`'${op}' not supported between instances of '${a}' and '${b}'`);
}

/** `v * <float constant>`: sequences raise a different message than other non-numbers, both TypeErrors. */
function mulFloat(v: unknown, factor: number): number {
  const n = asNumber(v);
  if (n !== undefined) return n * factor;
  if (typeof v === "string" || Array.isArray(v)) throw typeError("can't multiply sequence by non-int of type 'float'");
  throw typeError(`unsupported operand type(s) for *: '${pyTypeName(v)}' and 'float'`);
}

function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string" || Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v as object).length > 0;
  return true;
}

const PY_FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

/** Python float(v). */
function pyFloat(v: unknown): number {
  const n = asNumber(v);
  if (n !== undefined) return n;
  if (typeof v === "string") {
    const text = v.trim();
    if (PY_FLOAT_TEXT.test(text)) {
      const lower = text.toLowerCase().replace(/_/g, "");
      if (lower.endsWith("nan")) return NaN;
      if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
      return Number(lower);
    }
    throw new PyException("ValueError", `could not convert string to float: '${v}'`);
  }
  throw typeError(`float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

/** Python `for x in v` over an argument: str yields characters, dict its keys, scalars are not iterable. */
function pyIter(v: unknown): unknown[] {
  if (typeof v === "string") return Array.from(v);
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === "object") return Object.keys(v);
  throw typeError(`'${pyTypeName(v)}' object is not iterable`);
}

function pyRepr(v: unknown): string {
  return typeof v === "string" ? `'${v}'` : String(v);
}

// ---- Lookup tables ----

const ZIPCODES: ReadonlyMap<string, string> = new Map(Object.entries(tables.cityZipcodes));
const DISTANCES: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [a, b, km] of tables.distances as [string, string, number][]) {
    m.set(`${a}|${b}`, km);
    if (tables.distancesAreSymmetric) m.set(`${b}|${a}`, km);
  }
  return m;
})();

interface LongContextExtras {
  carMetadata: string;
  parkingBrakeInstruction: string;
  weather: Readonly<Record<string, unknown>>;
  intermediaryCities: readonly string[];
}

let extrasCache: LongContextExtras | undefined;
function longContextExtras(): LongContextExtras {
  if (!extrasCache) {
    const data = longContextData();
    extrasCache = {
      carMetadata: data.CAR_STATUS_METADATA_EXTENSION as string,
      parkingBrakeInstruction: data.PARKING_BRAKE_INSTRUCTION as string,
      weather: data.LONG_WEATHER_EXTENSION as Record<string, unknown>,
      intermediaryCities: data.INTERMEDIARY_CITIES as string[],
    };
  }
  return extrasCache;
}

// ---- State ----

interface VehicleState {
  fuelLevel: unknown;
  batteryVoltage: unknown;
  engine_state: unknown;
  remainingUnlockedDoors: number;
  doorStatus: DoorStatus;
  acTemperature: unknown;
  fanSpeed: unknown;
  acMode: unknown;
  humidityLevel: unknown;
  headLightStatus: unknown;
  parkingBrakeStatus: unknown;
  brakePedalStatus: unknown;
  distanceToNextVehicle: unknown;
  cruiseStatus: unknown;
  destination: unknown;
  frontLeftTirePressure: unknown;
  frontRightTirePressure: unknown;
  rearLeftTirePressure: unknown;
  rearRightTirePressure: unknown;
  long_context: boolean;
  // Private in Python (not part of the public state).
  parkingBrakeForce: unknown;
  slopeAngle: unknown;
  brakePedalForce: unknown;
  currentSpeed: unknown;
}

interface VehicleSnapshot {
  state: VehicleState;
  rng: PyRandomSnapshot;
}

function defaults(): Readonly<Record<string, unknown>> {
  return classTable("vehicle_control::DEFAULT_STATE") as Record<string, unknown>;
}

function initialState(config: Record<string, unknown>, longContext: boolean): VehicleState {
  const d = defaults();
  const pick = (key: string, defaultKey = key): unknown => (key in config ? config[key] : d[defaultKey]);
  const doorStatus: DoorStatus = { ...(pick("doorStatus") as DoorStatus) };
  // Python recounts the unlocked doors from doorStatus rather than trusting a given count.
  const remainingUnlockedDoors = Object.values(doorStatus).filter((s) => s === "unlocked").length;
  return {
    fuelLevel: pick("fuelLevel"),
    batteryVoltage: pick("batteryVoltage"),
    engine_state: pick("engineState", "engine_state"),
    remainingUnlockedDoors,
    doorStatus,
    acTemperature: pick("acTemperature"),
    fanSpeed: pick("fanSpeed"),
    acMode: pick("acMode"),
    humidityLevel: pick("humidityLevel"),
    headLightStatus: pick("headLightStatus"),
    parkingBrakeStatus: pick("parkingBrakeStatus"),
    brakePedalStatus: pick("brakePedalStatus"),
    distanceToNextVehicle: pick("distanceToNextVehicle"),
    cruiseStatus: pick("cruiseStatus"),
    destination: pick("destination"),
    frontLeftTirePressure: pick("frontLeftTirePressure"),
    frontRightTirePressure: pick("frontRightTirePressure"),
    rearLeftTirePressure: pick("rearLeftTirePressure"),
    rearRightTirePressure: pick("rearRightTirePressure"),
    long_context: longContext,
    parkingBrakeForce: pick("parkingBrakeForce", "_parkingBrakeForce"),
    slopeAngle: pick("slopeAngle", "_slopeAngle"),
    brakePedalForce: pick("brakePedalForce"),
    currentSpeed: 0.0,
  };
}

function randomSeed(config: Record<string, unknown>): number {
  const seed = "random_seed" in config ? config.random_seed : defaults().random_seed;
  return seed as number;
}

export function createVehicleControlAPI(): BfclApiClass {
  let s: VehicleState = initialState({}, false);
  let rng = new PyRandom(randomSeed({}));

  /** Long-context mode puts a padding field first in some results. */
  const withExtra = (key: string, extra: () => unknown, body: Record<string, unknown>): Record<string, unknown> =>
    s.long_context ? { [key]: extra(), ...body } : body;

  const tools: Record<string, (args: Record<string, unknown>) => PyValue> = {
    activateParkingBrake({ mode }) {
      if (mode !== "engage" && mode !== "release") return { error: "Invalid mode" };
      const engage = mode === "engage";
      s.parkingBrakeStatus = engage ? "engaged" : "released";
      s.parkingBrakeForce = engage ? PARKING_BRAKE_FORCE : 0.0;
      s.slopeAngle = SLOPE_ANGLE;
      return withExtra("parkingBrakeInstruction", () => longContextExtras().parkingBrakeInstruction, {
        parkingBrakeStatus: s.parkingBrakeStatus,
        _parkingBrakeForce: s.parkingBrakeForce,
        _slopeAngle: s.slopeAngle,
      });
    },

    adjustClimateControl({ temperature, unit = "celsius", fanSpeed = 50, mode = "auto" }) {
      const fan = numOperand(fanSpeed, "<=", "int", true);
      if (!(fan >= 0 && fan <= 100)) return { error: "Fan speed must be between 0 and 100." };
      let temp = temperature;
      if (unit === "fahrenheit") {
        const t = asNumber(temperature);
        if (t === undefined) throw typeError(`unsupported operand type(s) for -: '${pyTypeName(temperature)}' and 'int'`);
        temp = ((t - 32) * 5) / 9;
      }
      s.acTemperature = temp;
      s.fanSpeed = fanSpeed;
      s.acMode = mode;
      return { currentACTemperature: temp, climateMode: mode, humidityLevel: s.humidityLevel };
    },

    check_tire_pressure() {
      const pressures = [s.frontLeftTirePressure, s.frontRightTirePressure, s.rearLeftTirePressure, s.rearRightTirePressure];
      const healthy = pressures.every((p) => {
        const n = numOperand(p, "<=", "int", true);
        return n >= MIN_TIRE_PSI && n <= MAX_TIRE_PSI;
      });
      return {
        frontLeftTirePressure: s.frontLeftTirePressure,
        frontRightTirePressure: s.frontRightTirePressure,
        rearLeftTirePressure: s.rearLeftTirePressure,
        rearRightTirePressure: s.rearRightTirePressure,
        healthy_tire_pressure: healthy,
        car_info: s.long_context ? longContextExtras().carMetadata : {},
      };
    },

    displayCarStatus({ option }) {
      let status: Record<string, unknown>;
      switch (option) {
        case "fuel":
          status = { fuelLevel: s.fuelLevel };
          break;
        case "battery":
          status = { batteryVoltage: s.batteryVoltage };
          break;
        case "doors":
          status = { doorStatus: { ...s.doorStatus } };
          break;
        case "climate":
          status = { currentACTemperature: s.acTemperature, fanSpeed: s.fanSpeed, climateMode: s.acMode, humidityLevel: s.humidityLevel };
          break;
        case "headlights":
          status = { headlightStatus: s.headLightStatus };
          break;
        case "parkingBrake":
          status = { parkingBrakeStatus: s.parkingBrakeStatus, parkingBrakeForce: s.parkingBrakeForce, slopeAngle: s.slopeAngle };
          break;
        case "brakePedal":
          status = { brakePedalStatus: s.brakePedalStatus, brakePedalForce: s.brakePedalForce };
          break;
        case "engine":
          status = { engineState: s.engine_state };
          break;
        default:
          return { error: "Invalid option" };
      }
      return withExtra("metadata", () => longContextExtras().carMetadata, status);
    },

    display_log({ messages }) {
      return { log: messages };
    },

    estimate_distance({ cityA, cityB }) {
      const km = typeof cityA === "string" && typeof cityB === "string" ? DISTANCES.get(`${cityA}|${cityB}`) : undefined;
      if (km === undefined) return { error: "distance not found in database." };
      if (s.long_context) return { distance: km, intermediaryCities: longContextExtras().intermediaryCities };
      return { distance: km };
    },

    estimate_drive_feasibility_by_mileage({ distance }) {
      const range = numOperand(s.fuelLevel, "*", "float", false) * MILES_PER_GALLON;
      const d = numOperand(distance, "<", "float", true);
      return { canDrive: !(range < d) };
    },

    fillFuelTank({ fuelAmount }) {
      const amount = numOperand(fuelAmount, "<", "int", false);
      if (amount < 0) return { error: "Fuel amount cannot be negative." };
      const level = numOperand(s.fuelLevel, "+", "int", false);
      if (amount + level > MAX_FUEL) return { error: "Cannot fill gas above the tank capacity." };
      s.fuelLevel = level + amount;
      return { fuelLevel: s.fuelLevel };
    },

    find_nearest_tire_shop() {
      return { shopLocation: TIRE_SHOP };
    },

    gallon_to_liter({ gallon }) {
      return { liter: mulFloat(gallon, GALLON_TO_LITER) };
    },

    get_current_speed() {
      return { currentSpeed: rng.uniform(0.0, 120.0) };
    },

    get_outside_temperature_from_google() {
      const outsideTemperature = rng.uniform(-10.0, 40.0);
      return s.long_context ? { ...longContextExtras().weather, outsideTemperature } : { outsideTemperature };
    },

    get_outside_temperature_from_weather_com() {
      return { error: 404 };
    },

    get_zipcode_based_on_city({ city }) {
      const zipcode = typeof city === "string" ? ZIPCODES.get(city) : undefined;
      return { zipcode: zipcode ?? tables.unknownZipcode };
    },

    liter_to_gallon({ liter }) {
      return { gallon: mulFloat(liter, LITER_TO_GALLON) };
    },

    lockDoors({ unlock, door }) {
      const doors = pyIter(door);
      const target = pyTruthy(unlock) ? "unlocked" : "locked";
      for (const d of doors) {
        if (typeof d !== "string") {
          if (d !== null && typeof d === "object") throw typeError(`unhashable type: '${pyTypeName(d)}'`);
          throw new PyException("KeyError", pyRepr(d));
        }
        if (!Object.prototype.hasOwnProperty.call(s.doorStatus, d)) throw new PyException("KeyError", pyRepr(d));
        if (s.doorStatus[d] !== target) {
          s.doorStatus[d] = target;
          s.remainingUnlockedDoors += target === "unlocked" ? 1 : -1;
        }
      }
      return { lockStatus: target, remainingUnlockedDoors: s.remainingUnlockedDoors };
    },

    pressBrakePedal({ pedalPosition }) {
      const pos = numOperand(pedalPosition, "<=", "int", true);
      if (!(pos >= 0 && pos <= 1)) return { error: "Pedal position must be between 0 and 1." };
      if (pos === 0) {
        s.brakePedalStatus = "released";
        s.brakePedalForce = 0.0;
      } else {
        s.brakePedalStatus = "pressed";
        s.brakePedalForce = MAX_BRAKE_FORCE * pos;
      }
      return { brakePedalStatus: s.brakePedalStatus, brakePedalForce: s.brakePedalForce };
    },

    releaseBrakePedal() {
      s.brakePedalStatus = "released";
      s.brakePedalForce = 0.0;
      return { brakePedalStatus: s.brakePedalStatus, brakePedalForce: s.brakePedalForce };
    },

    setCruiseControl({ speed, activate, distanceToNextVehicle }) {
      // Python converts the distance before the speed: a bad distance is reported even when the speed is bad too.
      const distance = pyFloat(distanceToNextVehicle);
      const v = pyFloat(speed);
      if (s.engine_state === "stopped") return { error: "Start the engine before activating the cruise control." };
      if (v < 0 || v > MAX_CRUISE_SPEED || v % 5 !== 0) return { error: "Invalid speed" };
      s.cruiseStatus = pyTruthy(activate) ? "active" : "inactive";
      s.currentSpeed = v;
      s.distanceToNextVehicle = distance;
      return { cruiseStatus: s.cruiseStatus, currentSpeed: v, distanceToNextVehicle: distance };
    },

    setHeadlights({ mode }) {
      if (mode !== "on" && mode !== "off" && mode !== "auto") return { error: "Invalid headlight mode." };
      s.headLightStatus = mode === "on" ? "on" : "off";
      return { headlightStatus: s.headLightStatus };
    },

    set_navigation({ destination }) {
      s.destination = destination;
      if (typeof destination !== "string") {
        throw typeError(`can only concatenate str (not "${pyTypeName(destination)}") to str`);
      }
      return { status: `Navigating to ${destination}` };
    },

    startEngine({ ignitionMode }) {
      if (s.remainingUnlockedDoors > 0) {
        const unlocked = Object.keys(s.doorStatus).filter((d) => s.doorStatus[d] === "unlocked");
        return {
          error: `All doors must be locked before starting the engine. Here are the unlocked doors: ${unlocked.join(", ")}`,
        };
      }
      if (s.brakePedalStatus !== "pressed") return { error: "Brake pedal needs to be pressed when starting the engine." };
      if (ignitionMode === "START") s.engine_state = "running";
      else if (ignitionMode === "STOP") s.engine_state = "stopped";
      else return { error: "Invalid ignition mode." };
      return { engineState: s.engine_state, fuelLevel: s.fuelLevel, batteryVoltage: s.batteryVoltage };
    },
  };

  return {
    className: CLASS_NAME,
    loadScenario(config, longContext) {
      s = initialState(config, longContext);
      rng = new PyRandom(randomSeed(config));
    },
    publicState() {
      return {
        fuelLevel: s.fuelLevel,
        batteryVoltage: s.batteryVoltage,
        engine_state: s.engine_state,
        remainingUnlockedDoors: s.remainingUnlockedDoors,
        doorStatus: { ...s.doorStatus },
        acTemperature: s.acTemperature,
        fanSpeed: s.fanSpeed,
        acMode: s.acMode,
        humidityLevel: s.humidityLevel,
        headLightStatus: s.headLightStatus,
        parkingBrakeStatus: s.parkingBrakeStatus,
        brakePedalStatus: s.brakePedalStatus,
        distanceToNextVehicle: s.distanceToNextVehicle,
        cruiseStatus: s.cruiseStatus,
        destination: s.destination,
        frontLeftTirePressure: s.frontLeftTirePressure,
        frontRightTirePressure: s.frontRightTirePressure,
        rearLeftTirePressure: s.rearLeftTirePressure,
        rearRightTirePressure: s.rearRightTirePressure,
        long_context: s.long_context,
      };
    },
    tools,
    snapshot(): VehicleSnapshot {
      return { state: structuredClone(s), rng: rng.getState() };
    },
    restore(snapshot) {
      const snap = snapshot as VehicleSnapshot;
      s = structuredClone(snap.state);
      rng = new PyRandom(0);
      rng.setState(snap.rng);
    },
  };
}
