// Argument grounding for all 128 BFCL tools: each grounder proposes argument sets that fit the current state.
import { toolSignature } from "../../../envs/bfcl/bfcl-env";
import { funcDocs } from "../../../envs/bfcl/data";
import type { Grounder } from "./context";
import { FILE_GROUNDERS, MATH_GROUNDERS } from "./files-math";
import { MESSAGE_GROUNDERS, TICKET_GROUNDERS, TWITTER_GROUNDERS } from "./social";
import { TRADING_GROUNDERS, TRAVEL_GROUNDERS } from "./trading-travel";
import { VEHICLE_GROUNDERS } from "./vehicle";

export type { Args, GroundingContext, Grounder, PastCall } from "./context";
export { pastCall } from "./context";

const GROUNDERS: Readonly<Record<string, Grounder>> = {
  ...FILE_GROUNDERS,
  ...MATH_GROUNDERS,
  ...MESSAGE_GROUNDERS,
  ...TWITTER_GROUNDERS,
  ...TICKET_GROUNDERS,
  ...TRADING_GROUNDERS,
  ...TRAVEL_GROUNDERS,
  ...VEHICLE_GROUNDERS,
};

/** Tools never planned: this one always answers with an error. */
export const EXCLUDED_TOOLS: ReadonlySet<string> = new Set(["get_outside_temperature_from_weather_com"]);

export function grounderOf(name: string): Grounder | undefined {
  return GROUNDERS[name];
}

/** Tools of a class that synthesis may call. */
export function plannableTools(className: string): string[] {
  return funcDocs(className)
    .map((d) => d.name)
    .filter((n) => !EXCLUDED_TOOLS.has(n) && GROUNDERS[n] !== undefined);
}

export function classOfTool(name: string): string | undefined {
  return toolSignature(name)?.className;
}
