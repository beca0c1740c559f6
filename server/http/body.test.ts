import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { readJsonBody } from "./body";

const post = (body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("readJsonBody", () => {
  it("parses JSON and answers undefined for an empty body", async () => {
    expect(await readJsonBody(post('{"a": [1, 2]}'))).toEqual({ a: [1, 2] });
    expect(await readJsonBody(post(null))).toBeUndefined();
    expect(await readJsonBody(post("  "))).toBeUndefined();
  });

  it("refuses malformed JSON and other content types with 400", async () => {
    expect(await errorOf(readJsonBody(post("{oops")))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("not valid JSON") });
    expect((await errorOf(readJsonBody(post("a=1", { "content-type": "application/x-www-form-urlencoded" })))).code).toBe("BAD_REQUEST");
  });

  it("stops reading a stream at the limit even without a Content-Length, and names the limit", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const error = await errorOf(readJsonBody(post(stream), { limitBytes: 4096 }));
    expect(error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining("4 KB") });
    expect(pulled).toBeLessThan(10); // an endless body: reading stopped right after the limit
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const req = new Request("http://x/", { method: "POST", body: "{}", headers: { "content-length": "999999", "content-type": "application/json" } });
    expect((await errorOf(readJsonBody(req, { limitBytes: 1000 }))).code).toBe("PAYLOAD_TOO_LARGE");
  });
});
