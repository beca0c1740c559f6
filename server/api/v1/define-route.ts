// One /api/v1 route from zod schemas: who may call it (scope), what it takes (params, query, body: strict, unknown
// fields refused), what it answers (response schema, also the OpenAPI document's), and the one service it calls.
// `runRoute` does the edge work in a fixed order: authenticate, read the body under its byte limit, validate,
// call the handler, map errors once to {"error": {code, message, details?}}.
import { z } from "zod";
import { getDb, type Db } from "../../db";
import { classifyDbError, RETRY_AFTER_SECONDS } from "../../db-errors";
import { AppError, HTTP_STATUS } from "../../errors";
import { urlProblem } from "../../http/edge";
import { readJsonBody, DEFAULT_BODY_LIMIT_BYTES } from "../../http/body";
import type { ApiScope, TUser } from "../../services/auth-service";
import { isSameOrigin, requestUser } from "../auth-http";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject<z.ZodRawShape>;

/** Returned by a handler to answer 204 No Content (e.g. a long poll that found nothing). */
export const NO_CONTENT = Symbol("no content");

export interface RouteContext<P, Q, B> {
  db: Db;
  user: TUser | null;
  params: P;
  query: Q;
  body: B;
  req: Request;
}

export interface V1Route<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Below /api/v1, with `{name}` path parameters: "/runs/{id}". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The API-key scope the route needs; a signed-in browser session passes any scope. */
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** 200 unless said (201 for creation). */
  status?: 200 | 201 | 202;
  /** Described when the handler may answer 204 (returns NO_CONTENT). */
  noContent?: string;
  /** Bytes of body accepted (default 1 MB). */
  bodyLimitBytes?: number;
  /** Content type of a file answer (the handler returns a streamed Response); default JSON. */
  produces?: string;
  /** Error statuses worth documenting beyond 400/401/403 (which every route may answer). */
  errors?: number[];
  handle: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | typeof NO_CONTENT>;
}

/** Keeps the literal schema types so handlers are checked against them. */
export function defineRoute<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(route: V1Route<P, Q, B, R>): V1Route {
  return route as unknown as V1Route;
}

const GENERIC_5XX = "Something went wrong on the server; the details are in the server log.";

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The one error mapping of /api/v1: AppError code → status, 4xx messages pass through, anything else is a generic 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError && HTTP_STATUS[error.code] < 500) {
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (error.code === "TOO_MANY_REQUESTS" && typeof retryAfter === "number") headers["Retry-After"] = String(Math.ceil(retryAfter));
    return Response.json(errorBody(error.code, error.message, error.details), { status: HTTP_STATUS[error.code], headers });
  }
  // Overload or a restarting database is not a bug (503 + Retry-After); a value Postgres refuses is the caller's (400).
  const dbKind = error instanceof AppError ? null : classifyDbError(error);
  if ((error instanceof AppError && error.code === "SERVICE_UNAVAILABLE") || dbKind === "unavailable") {
    return Response.json(errorBody("SERVICE_UNAVAILABLE", "The server is busy or its database is restarting; try again in a few seconds."), {
      status: 503,
      headers: { "Cache-Control": "no-store", "Retry-After": String(RETRY_AFTER_SECONDS) },
    });
  }
  if (dbKind === "bad_input") return Response.json(errorBody("BAD_REQUEST", "A value in the request cannot be stored or searched (a NUL byte, or a number out of range); fix it and retry."), { status: 400 });
  console.error("[api/v1]", error);
  return Response.json(errorBody("INTERNAL_SERVER_ERROR", GENERIC_5XX), { status: 500, headers: { "Cache-Control": "no-store" } });
}

type Where = "params" | "query" | "body";

function issuePath(where: Where, path: readonly PropertyKey[]): string {
  return [where, ...path.map(String)].join(".");
}

/** Fields of `input` that the (key-stripping) schema dropped from `output`: unknown fields at any depth. */
export function unknownFieldPaths(input: unknown, output: unknown, path: string[] = []): string[] {
  const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
  if (Array.isArray(input) && Array.isArray(output) && input.length === output.length) {
    return input.flatMap((item, i) => unknownFieldPaths(item, output[i], [...path, String(i)]));
  }
  if (!isPlain(input) || !isPlain(output)) return [];
  return Object.keys(input).flatMap((key) => (key in output ? unknownFieldPaths(input[key], output[key], [...path, key]) : [[...path, key].join(".")]));
}

/** Validates one part of a request; 400 naming every failing field as `body.config.k`, `query.waitSeconds`, … */
export function validatePart<S extends z.ZodType>(where: Where, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys"
        ? i.keys.map((key) => ({ path: issuePath(where, [...i.path, key]), message: "unknown field; remove it (see /api/v1/openapi.json)" }))
        : [{ path: issuePath(where, i.path), message: i.message }],
    );
    throw new AppError("BAD_REQUEST", `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
  }
  // Nested objects that are not strict (shared schemas such as the run config) strip unknown keys; refuse them too.
  const unknown = where === "body" ? unknownFieldPaths(value, parsed.data) : [];
  if (unknown.length) {
    const issues = unknown.map((p) => ({ path: `${where}.${p}`, message: "unknown field; remove it (see /api/v1/openapi.json)" }));
    throw new AppError("BAD_REQUEST", `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
  }
  return parsed.data;
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

const EMPTY = z.strictObject({});

/** Serves one request with a matched route; never throws. */
export async function runRoute(route: V1Route, req: Request, rawParams: Record<string, string>): Promise<Response> {
  try {
    const badUrl = urlProblem(req.url);
    if (badUrl) throw new AppError("BAD_REQUEST", badUrl);
    const db = getDb();
    const { user, via } = await requestUser({ db, headers: req.headers, scope: route.scope });
    // Viewers read; a key or session of theirs never changes anything.
    if (user.role === "viewer" && !route.scope.endsWith(":read")) throw new AppError("FORBIDDEN", "Viewers can read but not change anything; ask an admin for a member account.");
    // A browser session is a cookie the browser sends by itself: refuse changes posted from other sites.
    if (via === "session" && route.method !== "GET" && !isSameOrigin(req)) {
      throw new AppError("FORBIDDEN", "Changes with a browser session must come from the RODS pages; programs send an API key.");
    }
    const params = validatePart("params", route.params ?? EMPTY, rawParams);
    const query = validatePart("query", route.query ?? EMPTY, queryObject(new URL(req.url)));
    let body: unknown = undefined;
    if (route.body) {
      const raw = await readJsonBody(req, { limitBytes: route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES });
      body = validatePart("body", route.body, raw ?? {});
    } else if (req.body) {
      // Routes without a body still bound what they read.
      const raw = await readJsonBody(req, { limitBytes: route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES });
      if (raw !== undefined) throw new AppError("BAD_REQUEST", `${route.method} ${route.path} takes no body; send the request without one.`);
    }
    const result = await route.handle({ db, user, params, query, body, req });
    if (result === NO_CONTENT) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
    if (route.produces && result instanceof Response) return result;
    return Response.json(result, { status: route.status ?? 200, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
