// The one map from BFCL class name to the factory of its simulated API class.
import type { BfclApiClass } from "./api-class";
import { createGorillaFileSystem } from "./classes/gorilla-file-system";
import { createMathAPI } from "./classes/math-api";
import { createMessageAPI } from "./classes/message-api";
import { createTicketAPI } from "./classes/ticket-api";
import { createTradingBot } from "./classes/trading-bot";
import { createTravelAPI } from "./classes/travel-api";
import { createTwitterAPI } from "./classes/twitter-api";
import { createVehicleControlAPI } from "./classes/vehicle-control-api";

export type BfclClassFactory = () => BfclApiClass;

export const BFCL_CLASS_FACTORIES: Readonly<Record<string, BfclClassFactory>> = {
  GorillaFileSystem: createGorillaFileSystem,
  MathAPI: createMathAPI,
  MessageAPI: createMessageAPI,
  TwitterAPI: createTwitterAPI,
  TicketAPI: createTicketAPI,
  TradingBot: createTradingBot,
  TravelAPI: createTravelAPI,
  VehicleControlAPI: createVehicleControlAPI,
};

/** Classes without public state: absent from trace states. */
export const STATELESS_CLASSES: ReadonlySet<string> = new Set(["MathAPI"]);

export function createBfclClass(className: string): BfclApiClass {
  const factory = BFCL_CLASS_FACTORIES[className];
  if (!factory) throw new Error(`unknown BFCL class '${className}'`);
  return factory();
}
