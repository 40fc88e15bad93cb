/**
 * The JSON documents npm PUTs to `/{name}` and `/{name}/-rev/{rev}`: a publish (libnpmpublish
 * buildMetadata: one version plus its tarball in `_attachments`), or a whole packument sent
 * back with changed `deprecated` fields (npm deprecate/undeprecate) or without unpublished
 * versions (libnpmpublish unpublish). Version objects keep every field they were sent with.
 */
import { z } from "zod";
import { RegistryError } from "../../errors";
import type { JsonObject } from "./packument";

const versionSchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  deprecated: z.string().optional(),
  dist: z.looseObject({ integrity: z.string().optional(), shasum: z.string().optional() }).optional(),
});

const attachmentSchema = z.looseObject({
  content_type: z.string().optional(),
  data: z.string(),
  length: z.number().int().nonnegative().optional(),
});

export const npmDocumentSchema = z.looseObject({
  _id: z.string().optional(),
  _rev: z.string().optional(),
  name: z.string().optional(),
  "dist-tags": z.record(z.string(), z.string()).optional(),
  versions: z.record(z.string(), versionSchema).optional(),
  _attachments: z.record(z.string(), attachmentSchema).optional(),
  readme: z.string().optional(),
});

export type NpmDocument = z.output<typeof npmDocumentSchema>;
export type VersionDocument = z.output<typeof versionSchema>;

/**
 * Largest publish body accepted (Workers' own request limit on Free/Pro): about a 75 MB
 * tarball in base64. Memory is one copy of the body plus ~2 MB (docs/formats/npm.md).
 */
export const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** Reads the whole request body once, as bytes; 413 when it is larger than `MAX_BODY_BYTES`. */
export async function readBody(request: Request): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw new RegistryError("too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new RegistryError("too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
  if (bytes.length === 0) throw new RegistryError("body_empty", "request body is empty");
  return bytes;
}

/** Validates the parsed document's shape and that it names the package of the URL. */
export function parseDocument(value: unknown, name: string): NpmDocument {
  const parsed = npmDocumentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") ?? "";
    throw new RegistryError("bad_request", `invalid package document: ${path ? `${path}: ` : ""}${issue?.message ?? "malformed"}`, { field: path || "(body)" });
  }
  const doc = parsed.data;
  if (doc.name !== undefined && doc.name !== name) throw new RegistryError("bad_request", `document name "${doc.name}" does not match the URL's "${name}"`, { field: "name" });
  if (doc._id !== undefined && doc._id !== name) throw new RegistryError("bad_request", `document _id "${doc._id}" does not match the URL's "${name}"`, { field: "_id" });
  return doc;
}

/**
 * The version object as stored: as published, without `readme`/`readmeFilename` (kept once
 * per package) and `dist.tarball` (rendered per request), with `extra` and `dist` merged in.
 */
export function storedVersionObject(version: VersionDocument, extra: JsonObject, dist: JsonObject): JsonObject {
  const { readme: _readme, readmeFilename: _readmeFilename, dist: given, ...rest } = version;
  const { tarball: _tarball, ...givenDist } = given ?? {};
  return { ...rest, ...extra, dist: { ...givenDist, ...dist } };
}

/** The non-empty deprecation message of a version object, or undefined. */
export function deprecationOf(version: JsonObject): string | undefined {
  return typeof version.deprecated === "string" && version.deprecated !== "" ? version.deprecated : undefined;
}
