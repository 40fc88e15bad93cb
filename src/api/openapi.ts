/**
 * A small OpenAPI 3.1 registry: each API route declares its zod schemas once, used both to
 * validate the request and to generate `/api/v1/openapi.json` (zod 4's JSON Schema output
 * is JSON Schema 2020-12, the dialect OpenAPI 3.1 uses).
 */
import { z } from "zod";

export interface ApiRouteSpec {
  method: "get" | "post" | "patch" | "put" | "delete";
  /** OpenAPI path template, e.g. `/repositories/{name}`. */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Who may call it; shown in the description. */
  auth: "admin" | "token" | "read" | "write" | "none";
}

const routes: ApiRouteSpec[] = [];

/** The body of every error answer (src/formats/generic/errors.ts), whatever its status. */
const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
  requestId: z.string(),
});
const errorResponse = { description: "Error (400 invalid input, 401 no or bad credentials, 403 not allowed, 404 unknown, 409 conflict, …)", content: { "application/json": { schema: z.toJSONSchema(errorSchema, { target: "draft-2020-12" }) } } };

export function declareRoute(spec: ApiRouteSpec): ApiRouteSpec {
  routes.push(spec);
  return spec;
}

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (route.query) {
      const query = jsonSchema(route.query, "input") as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: "query", required: false, schema: schema as { type: string } });
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      description: `Requires: ${route.auth}.`,
      tags: [route.tag],
      parameters,
      responses: {
        ...Object.fromEntries(
          Object.entries(route.responses).map(([status, r]) => [
            status,
            { description: r.description, ...(r.schema ? { content: { "application/json": { schema: jsonSchema(r.schema, "output") } } } : {}) },
          ]),
        ),
        // Any status not listed above is an error with the one error body.
        default: errorResponse,
      },
    };
    if (route.body) operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Edge Registry management API", version: "1" },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, basic: { type: "http", scheme: "basic" } } },
    security: [{ bearer: [] }, { basic: [] }],
    paths,
  };
}
