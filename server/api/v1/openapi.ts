// The OpenAPI 3.1 document of /api/v1, generated from the registry's zod schemas with zod-openapi (built on
// zod 4's own JSON Schema output), so the document and the validation cannot drift apart.
import { z } from "zod";
import { createDocument } from "zod-openapi";
import { API_SCOPES } from "../../services/auth-service";
import { formatBytes, DEFAULT_BODY_LIMIT_BYTES } from "../../http/body";
import type { V1Route } from "./define-route";
import { V1_ROUTES } from "./registry";

export const ZApiError = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS, …" }),
      message: z.string().meta({ description: "what was wrong and what to do" }),
      details: z.unknown().optional().meta({ description: "e.g. {issues: [{path, message}]} for invalid input" }),
    }),
  })
  .meta({ id: "Error" });

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input: malformed JSON, unknown fields or wrong types; the message names each field",
  401: "No API key or session, or an unknown or revoked key",
  403: "The API key lacks the route's scope",
  404: "Not found",
  409: "Conflicts with the current state",
  412: "A precondition is missing (e.g. the dataset is not imported)",
  413: "The body is larger than the route's limit",
  429: "Too many requests; retry after the Retry-After header",
};

function operationOf(route: V1Route) {
  const errors = [...new Set([400, 401, 403, ...(route.body ? [413] : []), ...(route.errors ?? [])])].sort();
  const limit = formatBytes(route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, `Scope: \`${route.scope}\`.`, route.body ? `Body limit: ${limit}.` : undefined].filter(Boolean).join("\n\n"),
    tags: [route.tag],
    security: [{ apiKey: [] }],
    requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) },
    ...(route.body ? { requestBody: { required: !route.body.safeParse({}).success, content: { "application/json": { schema: route.body } } } } : {}),
    responses: {
      [String(route.status ?? 200)]: { description: "OK", content: { [route.produces ?? "application/json"]: { schema: route.response } } },
      ...(route.noContent ? { "204": { description: route.noContent } } : {}),
      ...Object.fromEntries(errors.map((status) => [String(status), { description: ERROR_TEXT[status] ?? "Error", content: { "application/json": { schema: ZApiError } } }])),
    },
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

export function openApiDocument() {
  if (cached) return cached;
  const paths: Record<string, Record<string, ReturnType<typeof operationOf>>> = {};
  for (const route of V1_ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "RODS API",
      version: "1",
      description:
        "Versioned REST API of RODS for programs: runs, and the trainer seam. Authenticate with `Authorization: Bearer <API key>` " +
        "(create one under Settings → API keys, or `npm run rods -- apikey create`). Every error answers `{\"error\": {\"code\", \"message\", \"details\"?}}`.\n\n" +
        `Scopes: ${Object.entries(API_SCOPES).map(([scope, text]) => `\`${scope}\`: ${text}`).join("; ")}.`,
    },
    servers: [{ url: "/api/v1" }],
    paths,
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key: rods_<prefix>_<secret>" } } },
  });
  return cached;
}
