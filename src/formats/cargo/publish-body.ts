/**
 * `cargo publish`'s request body (`PUT /api/v1/crates/new`): a little-endian u32 length, the
 * JSON metadata, a little-endian u32 length, the `.crate` (a gzipped tarball). Parsing is
 * pure: every problem is a 400 whose message cargo prints.
 */
import { RegistryError } from "../../errors";
import { crateNameProblem, parseCrateVersion } from "./names";

export interface PublishDependency {
  name: string;
  version_req: string;
  features: string[];
  optional: boolean;
  default_features: boolean;
  target: string | null;
  kind: "normal" | "dev" | "build";
  registry: string | null;
  explicit_name_in_toml: string | null;
}

export interface PublishMetadata {
  name: string;
  vers: string;
  deps: PublishDependency[];
  features: Record<string, string[]>;
  links: string | null;
  rust_version: string | null;
  description: string | null;
  license: string | null;
  repository: string | null;
  homepage: string | null;
  documentation: string | null;
  keywords: string[];
  categories: string[];
  authors: string[];
}

export interface PublishBody {
  metadata: PublishMetadata;
  crate: Uint8Array;
}

const bad = (message: string) => new RegistryError("bad_request", message);

const MAX_JSON_BYTES = 1024 * 1024;

function u32(bytes: Uint8Array, offset: number, what: string): number {
  if (bytes.length < offset + 4) throw bad(`invalid publish request: the body ends before the ${what} length`);
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, true);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function optionalString(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw bad(`invalid publish metadata: \`${key}\` must be a string`);
  return value;
}

function stringList(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw bad(`invalid publish metadata: \`${key}\` must be a list of strings`);
  return value as string[];
}

function parseDependency(value: unknown, index: number): PublishDependency {
  if (!isObject(value)) throw bad(`invalid publish metadata: deps[${index}] must be an object`);
  const name = value.name;
  if (typeof name !== "string" || crateNameProblem(name)) throw bad(`invalid publish metadata: deps[${index}].name \`${String(name).slice(0, 80)}\` is not a valid crate name`);
  const req = value.version_req;
  if (typeof req !== "string" || req === "") throw bad(`invalid publish metadata: dependency \`${name}\` has no version_req`);
  const kind = value.kind ?? "normal";
  if (kind !== "normal" && kind !== "dev" && kind !== "build") throw bad(`invalid publish metadata: dependency \`${name}\` has unknown kind \`${String(kind)}\``);
  const explicit = optionalString(value, "explicit_name_in_toml");
  if (explicit !== null && crateNameProblem(explicit)) throw bad(`invalid publish metadata: dependency \`${name}\` is renamed to an invalid name`);
  return {
    name,
    version_req: req,
    features: stringList(value.features, `deps[${index}].features`),
    optional: value.optional === true,
    default_features: value.default_features !== false,
    target: optionalString(value, "target"),
    kind,
    registry: optionalString(value, "registry"),
    explicit_name_in_toml: explicit,
  };
}

function parseFeatures(value: unknown): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw bad("invalid publish metadata: `features` must be a table of lists");
  const out: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(value)) out[key] = stringList(list, `features.${key}`);
  return out;
}

/** The metadata JSON, validated; the name and version rules are crates.io's. */
export function parsePublishMetadata(text: string): PublishMetadata {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("invalid publish request: the metadata is not JSON");
  }
  if (!isObject(value)) throw bad("invalid publish request: the metadata must be a JSON object");
  const name = typeof value.name === "string" ? value.name : "";
  const nameProblem = crateNameProblem(name);
  if (nameProblem) throw new RegistryError("name_invalid", `invalid crate name: ${nameProblem}`);
  const vers = typeof value.vers === "string" ? value.vers : "";
  if (!parseCrateVersion(vers)) throw new RegistryError("version_invalid", `invalid version \`${vers.slice(0, 100)}\`: versions must be SemVer 2.0 (e.g. 1.2.3)`);
  if (value.deps !== undefined && !Array.isArray(value.deps)) throw bad("invalid publish metadata: `deps` must be a list");
  return {
    name,
    vers,
    deps: ((value.deps as unknown[] | undefined) ?? []).map(parseDependency),
    features: parseFeatures(value.features),
    links: optionalString(value, "links"),
    rust_version: optionalString(value, "rust_version"),
    description: optionalString(value, "description"),
    license: optionalString(value, "license"),
    repository: optionalString(value, "repository"),
    homepage: optionalString(value, "homepage"),
    documentation: optionalString(value, "documentation"),
    keywords: stringList(value.keywords, "keywords"),
    categories: stringList(value.categories, "categories"),
    authors: stringList(value.authors, "authors"),
  };
}

/** Splits and checks the framing; the JSON is parsed, the `.crate` is returned as bytes. */
export function parsePublishBody(body: Uint8Array): PublishBody {
  const jsonLength = u32(body, 0, "metadata");
  if (jsonLength > MAX_JSON_BYTES) throw bad(`invalid publish request: metadata of ${jsonLength} bytes (at most ${MAX_JSON_BYTES})`);
  if (body.length < 4 + jsonLength) throw bad("invalid publish request: the body ends inside the metadata");
  const metadata = parsePublishMetadata(new TextDecoder().decode(body.subarray(4, 4 + jsonLength)));
  const crateLength = u32(body, 4 + jsonLength, ".crate");
  const start = 8 + jsonLength;
  if (body.length - start !== crateLength) throw bad(`invalid publish request: the .crate is ${body.length - start} bytes, the header says ${crateLength}`);
  if (crateLength === 0) throw bad("invalid publish request: the .crate is empty");
  return { metadata, crate: body.subarray(start) };
}
