// Identical reads in flight at the same moment share one query: when many people watch the same run, the pages'
// polls of it arrive together, and each would otherwise queue for a connection of the pool. An answer can be as old
// as one query's duration (a few milliseconds), never older; nothing is kept once the query has settled.
import type { Db } from "../../db";

const inFlight = new WeakMap<Db, Map<string, Promise<unknown>>>();

/** Wraps a monitor read `({ db, ...args })` so concurrent calls with equal args share one promise (do not mutate answers). */
export function coalesced<A extends { db: Db }, R>(name: string, read: (args: A) => Promise<R>): (args: A) => Promise<R> {
  return (args) => {
    const { db, ...rest } = args;
    let calls = inFlight.get(db);
    if (!calls) inFlight.set(db, (calls = new Map()));
    const key = `${name}:${JSON.stringify(rest)}`;
    const pending = calls.get(key) as Promise<R> | undefined;
    if (pending) return pending;
    const promise = read(args).finally(() => calls.delete(key));
    calls.set(key, promise);
    return promise;
  };
}
