import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { CLIENT_ADDRESS_HEADER, clientAddressOf, compileTrustedProxies, markStamping, readClientAddress, stampClientAddress } from "./client-address";

/** A node request as the web server gets it: the socket's peer and the headers in both of Node's views. */
function request(socketAddress: string, headers: [string, string][] = []): IncomingMessage {
  const lower: Record<string, string> = {};
  for (const [name, value] of headers) lower[name.toLowerCase()] = lower[name.toLowerCase()] ? `${lower[name.toLowerCase()]}, ${value}` : value;
  return { socket: { remoteAddress: socketAddress }, headers: lower, rawHeaders: headers.flat() } as unknown as IncomingMessage;
}

const trusting = (value: string) => compileTrustedProxies(parseEnv({ RODS_TRUSTED_PROXIES: value }).RODS_TRUSTED_PROXIES);

describe("the client address the throttle counts", () => {
  it("by default is the connecting address, whatever forwarding headers say", () => {
    const trust = trusting("");
    expect(clientAddressOf(request("198.51.100.9", [["X-Forwarded-For", "192.0.2.1"], ["X-Real-IP", "192.0.2.2"]]), trust)).toBe("198.51.100.9");
    expect(clientAddressOf(request("::ffff:198.51.100.9", [["X-Forwarded-For", "192.0.2.1"]]), trust)).toBe("198.51.100.9");
    expect(clientAddressOf(request("2001:db8::1"), trust)).toBe("2001:db8::1");
  });

  it("behind trusted proxies is the right-most X-Forwarded-For entry that is not a trusted proxy", () => {
    const trust = trusting("loopback, 10.0.0.0/8");
    // The proxy on loopback appended the client; a client's own entries to the left are not believed.
    expect(clientAddressOf(request("127.0.0.1", [["X-Forwarded-For", "6.6.6.6, 203.0.113.5"]]), trust)).toBe("203.0.113.5");
    // Two trusted hops (loopback, then 10.1.2.3) before the client.
    expect(clientAddressOf(request("127.0.0.1", [["X-Forwarded-For", "6.6.6.6, 203.0.113.5, 10.1.2.3"]]), trust)).toBe("203.0.113.5");
    // Repeated headers count as one list, in order.
    expect(clientAddressOf(request("::1", [["X-Forwarded-For", "6.6.6.6"], ["X-Forwarded-For", "203.0.113.6"]]), trust)).toBe("203.0.113.6");
    // A trusted proxy that forwarded nothing: the proxy itself.
    expect(clientAddressOf(request("127.0.0.1"), trust)).toBe("127.0.0.1");
    // A client outside the list cannot choose its address by sending the header.
    expect(clientAddressOf(request("198.51.100.9", [["X-Forwarded-For", "10.0.0.1, 192.0.2.1"]]), trust)).toBe("198.51.100.9");
  });

  it("is stamped over whatever a client sent under the private header, in both header views", () => {
    const req = request("198.51.100.9", [["Host", "rods"], ["X-RODS-Client-Address", "192.0.2.77"], ["x-rods-client-address", "192.0.2.78"]]);
    stampClientAddress(req, trusting(""));
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("198.51.100.9");
    expect(req.rawHeaders).toEqual(["Host", "rods", CLIENT_ADDRESS_HEADER, "198.51.100.9"]);
  });

  it("is read back only where a web server stamps requests; elsewhere every client is 'unknown'", () => {
    const forged = new Headers({ [CLIENT_ADDRESS_HEADER]: "192.0.2.1" });
    expect(readClientAddress(forged)).toBe("unknown");
    markStamping();
    expect(readClientAddress(forged)).toBe("192.0.2.1");
    expect(readClientAddress(new Headers())).toBe("unknown");
  });
});
