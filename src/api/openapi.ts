/**
 * A small OpenAPI 3.1 registry: each API route declares its zod schemas once, used both to
 * validate the request and to generate `/api/v1/openapi.json` (zod 4's JSON Schema output
 * is JSON Schema 2020-12, the dialect OpenAPI 3.1 uses). Every `{param}` in a path must
 * have a schema in `params`; handlers read them through `pathParams`, so what the document
 * promises is what is enforced.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";

export interface ApiRouteSpec {
  method: "get" | "post" | "patch" | "put" | "delete";
  /** OpenAPI path template, e.g. `/repositories/{name}`. */
  path: string;
  summary: string;
  tag: string;
  params?: Record<string, z.ZodType<unknown, string>>;
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Who may call it (docs/auth.md); shown in the description. */
  auth: "instance admin" | "repository admin" | "token" | "read" | "write" | "none";
}

const routes: ApiRouteSpec[] = [];

/** The body of every error answer (src/formats/generic/errors.ts), whatever its status. */
const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
  requestId: z.string(),
});
const errorResponse = { description: "Error (400 invalid input, 401 no or bad credentials, 403 not allowed, 404 unknown, 409 conflict, …)", content: { "application/json": { schema: z.toJSONSchema(errorSchema, { target: "draft-2020-12" }) } } };

const templateParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");

export function declareRoute<S extends ApiRouteSpec>(spec: S): S {
  const missing = templateParams(spec.path).filter((name) => !spec.params?.[name]);
  if (missing.length) throw new Error(`${spec.method} ${spec.path}: no schema for path parameter(s) ${missing.join(", ")}`);
  routes.push(spec);
  return spec;
}

/** Every declared route (tests enumerate them). */
export const declaredRoutes = (): readonly ApiRouteSpec[] => routes;

type ParamsOf<S extends ApiRouteSpec> = { [K in keyof NonNullable<S["params"]>]: z.output<NonNullable<S["params"]>[K]> };

/** The route's path parameters, validated by its declared schemas (400 naming the parameter). */
export function pathParams<S extends ApiRouteSpec>(c: Context<AppEnv>, spec: S): ParamsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(spec.params ?? {})) {
    const result = schema.safeParse(c.req.param(name) ?? "");
    if (!result.success) throw new RegistryError("bad_request", `${name}: ${result.error.issues[0]?.message ?? "invalid"}`, { field: name });
    out[name] = result.data;
  }
  return out as ParamsOf<S>;
}

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: Record<string, unknown>[] = templateParams(route.path).map((name) => ({
      name, in: "path", required: true, schema: jsonSchema(route.params?.[name] ?? z.string(), "input"),
    }));
    if (route.query) {
      const query = jsonSchema(route.query, "input") as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: "query", required: false, schema });
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
