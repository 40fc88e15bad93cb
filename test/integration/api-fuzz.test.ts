// Fuzz of the management API, driven by its own OpenAPI document: every operation with
// malformed path parameters, wrongly typed fields, missing required fields, unknown fields,
// bodies that are not objects, and wrongly typed query parameters. Any 5xx fails.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, BASE, createRepository } from "../helpers/client";

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
}
interface Operation {
  parameters?: { name: string; in: "path" | "query"; schema: Schema }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
}
type Doc = { paths: Record<string, Record<string, Operation>> };

/** A plausible value for a schema: the first enum value, a small number, a short string. */
function example(schema: Schema): unknown {
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return example(variant);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries((schema.required ?? []).map((k) => [k, example(schema.properties?.[k] ?? {})]));
    case "array":
      return [example(schema.items ?? {})];
    case "integer":
    case "number":
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return true;
    default:
      return "fz-value";
  }
}

const wrongValues: unknown[] = [null, 12345678901234567890, -1, "not-the-right-type", true, [], {}, [[[]]], "x".repeat(5000), "\u0000\ud800"];

/** Bodies with one thing wrong each: a wrong type per field, a missing required field, an extra field, non-objects. */
function badBodies(schema: Schema): string[] {
  const valid = example(schema) as Record<string, unknown>;
  const bodies: unknown[] = [{}, [], null, "text", 42, { ...valid, zzUnknownField: 1 }];
  for (const key of schema.required ?? []) {
    const { [key]: _missing, ...rest } = valid;
    bodies.push(rest);
  }
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    for (const wrong of wrongValues) bodies.push({ ...valid, [key]: wrong });
    if (property.type === "object" || property.properties) bodies.push({ ...valid, [key]: { zzUnknownField: true } });
    if (property.type === "array") bodies.push({ ...valid, [key]: [null, 1, "x", {}] });
  }
  return [...bodies.map((b) => JSON.stringify(b)), "{not json", "", "\u0000", '{"a":'.repeat(200)];
}

const badPathValues = ["0x10", "-1", "1e3", "%2e%2e", "..", "a%2Fb", "%00", "x".repeat(300), "%E2%98%83", "Upper_Case", "9999999999999999999999"];

async function send(method: string, path: string, token: string | null, body?: string): Promise<Response> {
  const headers = new Headers(body === undefined ? {} : { "Content-Type": "application/json" });
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return exports.default.fetch(new Request(`${BASE}/api/v1${path}`, { method: method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) }));
}

let doc: Doc;
const validParams: Record<string, string> = { name: "fz-repo", package: "tool", version: "1.0", fileId: "1", id: "1" };

beforeAll(async () => {
  doc = (await (await api("/openapi.json")).json()) as Doc;
  await createRepository({ name: "fz-repo", format: "generic", kind: "hosted", visibility: "public" });
  expect((await api("/users", "POST", { name: "fz-user" })).status).toBe(201);
});

/** Operations with deletes last, so they do not remove what the others act on. */
function operations(): { method: string; template: string; op: Operation }[] {
  const all = Object.entries(doc.paths).flatMap(([template, methods]) => Object.entries(methods).map(([method, op]) => ({ method, template, op })));
  return all.sort((a, b) => Number(a.method === "delete") - Number(b.method === "delete"));
}

const fill = (template: string, override: Record<string, string> = {}) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? (name === "name" && template.startsWith("/users") ? "fz-user" : (validParams[name] ?? "x")));

describe("management API fuzz", () => {
  it("no malformed request to any operation gets a 5xx", async () => {
    const failures: string[] = [];
    let requests = 0;
    const check = async (method: string, path: string, token: string | null, body?: string) => {
      requests++;
      const res = await send(method, path, token, body);
      if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path} ${body?.slice(0, 80) ?? ""} → ${res.status} ${(await res.text()).slice(0, 120)}`);
      else await res.body?.cancel();
    };
    for (const { method, template, op } of operations()) {
      const path = fill(template);
      for (const param of op.parameters?.filter((p) => p.in === "path") ?? []) {
        for (const bad of badPathValues) await check(method, fill(template, { [param.name]: bad }), ADMIN);
      }
      for (const param of op.parameters?.filter((p) => p.in === "query") ?? []) {
        for (const bad of ["-1", "abc", "1e999", "", "%00", "x".repeat(3000), "0x10"]) await check(method, `${path}?${param.name}=${bad}`, ADMIN);
      }
      const schema = op.requestBody?.content["application/json"].schema;
      if (schema) for (const body of badBodies(schema)) await check(method, path, ADMIN, body);
      await check(method, path, null, schema ? JSON.stringify(example(schema)) : undefined);
    }
    expect(requests).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 180_000);
});
