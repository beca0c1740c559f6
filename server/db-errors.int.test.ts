// The errors a real exhausted pool and real refused values raise are the ones the edge turns into 503 and 400.
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { classifyDbError } from "./db-errors";
import { PrismaClient } from "./generated/prisma/client";

const tiny = new PrismaClient({ adapter: new PrismaPg({ connectionString: inject("databaseUrl"), max: 1, connectionTimeoutMillis: 300 }) });

describe("database errors at the edge", () => {
  afterAll(() => tiny.$disconnect());

  it("an exhausted pool is 'unavailable' (503), not a bug", async () => {
    const holder = tiny.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_sleep(1.5)::text AS slept`;
    });
    await new Promise((r) => setTimeout(r, 200));
    const error = await tiny.$queryRaw`SELECT 1`.catch((e: unknown) => e);
    await holder;
    expect(error).toBeInstanceOf(Error);
    expect(classifyDbError(error)).toBe("unavailable");
  });

  it("a NUL byte and an out-of-range integer are 'bad_input' (400)", async () => {
    const nul = await tiny.$queryRawUnsafe(`SELECT $1::text AS t`, "a\u0000b").catch((e: unknown) => e);
    expect(classifyDbError(nul)).toBe("bad_input");
    const big = await tiny.$queryRawUnsafe(`SELECT $1::int AS i`, "99999999999").catch((e: unknown) => e);
    expect(classifyDbError(big)).toBe("bad_input");
    expect(classifyDbError(new Error("something else"))).toBeNull();
  });
});
