// The client's address, as the web process saw it, for the sign-in throttle. Forwarding headers (X-Forwarded-For)
// are believed only from the proxies listed in RODS_TRUSTED_PROXIES (Express's "trust proxy" rule, through its
// proxy-addr): the client is the nearest address that is not a trusted proxy; with none listed, the connecting
// address. The web server (web-server.ts) stamps that address on every request under a private header, replacing
// whatever a client sent under that name; route handlers read it back. A route served without RODS's web server
// (`next start`, `next dev`) cannot tell a stamp from a forgery, so it counts every client as "unknown".
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";
import ipaddr from "ipaddr.js";

/** The private header: set by the web server on every request it handles, never taken from a client. */
export const CLIENT_ADDRESS_HEADER = "x-rods-client-address";

/** The address of every client when the web server's stamp cannot be relied on. */
export const UNKNOWN_CLIENT = "unknown";

type Trust = (address: string, hop: number) => boolean;

const trustNothing: Trust = () => false;

/** RODS_TRUSTED_PROXIES (already validated by the env schema) as proxy-addr's check. */
export function compileTrustedProxies(list: readonly string[]): Trust {
  return list.length ? proxyAddr.compile([...list]) : trustNothing;
}

/** The nearest address in [socket, …X-Forwarded-For from right to left] that is not a trusted proxy. */
export function clientAddressOf(req: IncomingMessage, trust: Trust): string {
  const address = proxyAddr(req, trust) as string | undefined;
  if (!address) return UNKNOWN_CLIENT;
  // ::ffff:10.1.2.3 (an IPv4 client on a dual-stack socket) is 10.1.2.3.
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address.slice(0, 100);
}

/** Whether the requests of this process pass through createWebServer (set once it is created). */
const STAMPING = Symbol.for("rods.clientAddressStamping");
const flags = globalThis as unknown as Record<symbol, boolean | undefined>;

/** Called by createWebServer: from now on, route handlers of this process believe the stamp. */
export function markStamping(): void {
  flags[STAMPING] = true;
}

/**
 * Puts the client's address on the request under CLIENT_ADDRESS_HEADER, in both views Node keeps of the headers
 * (Next reads `headers`, toRequest `rawHeaders`), after dropping anything a client sent under that name.
 */
export function stampClientAddress(req: IncomingMessage, trust: Trust): void {
  const address = clientAddressOf(req, trust);
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== CLIENT_ADDRESS_HEADER) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  raw.push(CLIENT_ADDRESS_HEADER, address);
  req.rawHeaders = raw;
  req.headers[CLIENT_ADDRESS_HEADER] = address;
}

/** The stamped address of a request; "unknown" when this process has no web server stamping requests. */
export function readClientAddress(headers: Headers): string {
  if (!flags[STAMPING]) return UNKNOWN_CLIENT;
  return headers.get(CLIENT_ADDRESS_HEADER) || UNKNOWN_CLIENT;
}
