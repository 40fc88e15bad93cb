// `/api/v1/openapi.json`: an OpenAPI 3.1.0 document generated from the same zod schemas
// that validate requests, covering every management route.
import { describe, expect, it } from "vitest";
import { api } from "../helpers/client";

interface Operation {
  summary: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: JsonSchema } } }>;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  additionalProperties?: unknown;
  items?: JsonSchema;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

async function document(token: string | null = null): Promise<Document> {
  const res = await api("/openapi.json", "GET", undefined, token);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  return res.json();
}

const body = (op: Operation | undefined): JsonSchema | undefined => op?.requestBody?.content["application/json"].schema;

describe("openapi.json", () => {
  it("is an OpenAPI 3.1.0 document, readable without credentials", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.servers[0]?.url).toBe("http://registry.test/api/v1");
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["basic", "bearer"]);
  });

  it("has paths for repositories, tokens, users, audit and packages", async () => {
    const { paths } = await document();
    for (const [path, methods] of Object.entries({
      "/repositories": ["get", "post"],
      "/repositories/{name}": ["get", "patch", "delete"],
      "/repositories/{name}/cleanup": ["post"],
      "/repositories/{name}/packages": ["get"],
      "/repositories/{name}/packages/{package}": ["delete"],
      "/repositories/{name}/packages/{package}/versions": ["get"],
      "/repositories/{name}/packages/{package}/versions/{version}": ["delete"],
      "/repositories/{name}/packages/{package}/versions/{version}/files": ["get"],
      "/repositories/{name}/packages/{package}/versions/{version}/files/{fileId}": ["delete"],
      "/tokens": ["get", "post"],
      "/tokens/{id}": ["delete"],
      "/users": ["get", "post"],
      "/users/{name}": ["patch"],
      "/users/{name}/password": ["put"],
      "/audit": ["get"],
    })) {
      expect(paths[path], path).toBeDefined();
      expect(Object.keys(paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
    }
    const files = paths["/repositories/{name}/packages/{package}/versions/{version}/files/{fileId}"]?.delete;
    expect(files?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["path:name", "path:package", "path:version", "path:fileId"]);
    expect(paths["/audit"]?.get?.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(expect.arrayContaining(["repository", "action", "before", "limit"]));
  });

  it("describes request bodies with their JSON schemas", async () => {
    const { paths } = await document();
    const create = body(paths["/repositories"]?.post);
    expect(paths["/repositories"]?.post?.requestBody?.required).toBe(true);
    expect(create?.type).toBe("object");
    expect(create?.required).toEqual(expect.arrayContaining(["name", "format", "kind"]));
    expect(create?.properties?.kind?.enum).toEqual(["hosted", "remote", "virtual"]);
    expect(create?.properties?.format?.enum).toEqual(expect.arrayContaining(["generic", "maven", "npm", "oci"]));
    expect(create?.properties?.remote?.properties?.url).toBeDefined();
    expect(create?.properties?.members?.type).toBe("array");
    expect(create?.additionalProperties).toBe(false);

    const token = body(paths["/tokens"]?.post);
    expect(token?.required).toEqual(expect.arrayContaining(["name", "scopes"]));
    expect(token?.properties?.scopes?.items?.enum).toEqual(["read", "write", "admin"]);
    expect(body(paths["/users"]?.post)?.properties?.password).toBeDefined();
    expect(body(paths["/users/{name}/password"]?.put)?.required).toEqual(["password"]);
    expect(body(paths["/repositories/{name}"]?.patch)?.properties).toHaveProperty("visibility");
    expect(paths["/repositories"]?.get?.requestBody).toBeUndefined();
  });

  it("describes responses, without exposing secrets in the repository schema", async () => {
    const { paths } = await document();
    const created = paths["/repositories"]?.post?.responses["201"]?.content?.["application/json"].schema;
    expect(created?.properties?.remote?.properties).toHaveProperty("hasPassword");
    expect(created?.properties?.remote?.properties).not.toHaveProperty("password");
    const tokenCreated = paths["/tokens"]?.post?.responses["201"]?.content?.["application/json"].schema;
    expect(tokenCreated?.properties).toHaveProperty("token");
    const tokenList = paths["/tokens"]?.get?.responses["200"]?.content?.["application/json"].schema;
    expect(tokenList?.properties?.tokens?.items?.properties).not.toHaveProperty("token");
    expect(Object.keys(paths["/repositories"]?.post?.responses ?? {})).toEqual(expect.arrayContaining(["201", "400", "401", "403", "409"]));
  });
});
