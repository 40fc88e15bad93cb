/**
 * An uploaded package's `composer.json` (https://getcomposer.org/doc/04-schema.md), checked
 * and turned into the version's p2 entry (without `dist`, which is decided when the document
 * is rendered): the name must be valid, the version comes from `?version=` or the file's
 * `version` (both given: they must agree), and only the fields a package's metadata carries
 * on packagist are kept (root-only keys such as `config`, `scripts` or `repositories` are not).
 */
import { RegistryError } from "../../errors";
import type { VersionEntry } from "./minify";
import { packageNameProblem } from "./names";
import { normalizeVersion } from "./versions";

/** Keys of composer.json copied into the p2 entry, in packagist's order. */
const KEPT = [
  "description", "keywords", "homepage", "license", "authors", "type", "support", "funding",
  "autoload", "autoload-dev", "include-path", "target-dir", "bin", "extra",
  "require", "require-dev", "suggest", "provide", "replace", "conflict", "abandoned", "php-ext",
] as const;

export interface ComposerManifest {
  name: string;
  version: string;
  normalizedVersion: string;
  /** The p2 entry without `dist`. */
  entry: VersionEntry;
}

const bad = (message: string) => new RegistryError("bad_request", `invalid composer.json: ${message}`);

function parseObject(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes).replace(/^\uFEFF/, ""));
  } catch (error) {
    throw bad(`not valid JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw bad("the document is not a JSON object");
  return value as Record<string, unknown>;
}

function pickVersion(fromFile: unknown, fromQuery: string | undefined): { version: string; normalized: string } {
  if (fromFile !== undefined && typeof fromFile !== "string") throw bad('"version" is not a string');
  const query = fromQuery?.trim() || undefined;
  const version = query ?? fromFile;
  if (!version) throw new RegistryError("version_invalid", "no version: give ?version= or a \"version\" in composer.json");
  const normalized = normalizeVersion(version);
  if (!normalized) throw new RegistryError("version_invalid", `invalid version "${version.slice(0, 100)}": not a version Composer accepts (1.2.3, v2.0.0-beta1, dev-main, 1.x-dev)`);
  if (query && typeof fromFile === "string" && normalizeVersion(fromFile) !== normalized) {
    throw new RegistryError("version_invalid", `version mismatch: ?version=${query.slice(0, 100)} but composer.json says "${fromFile.slice(0, 100)}"`);
  }
  return { version, normalized };
}

/** Validates composer.json and builds the p2 entry; `uploadedAt` fills `time` when the file has none. */
export function readComposerJson(bytes: Uint8Array, queryVersion: string | undefined, uploadedAt: number): ComposerManifest {
  const json = parseObject(bytes);
  if (typeof json.name !== "string") throw new RegistryError("name_invalid", 'composer.json has no "name"');
  const problem = packageNameProblem(json.name);
  if (problem) throw new RegistryError("name_invalid", `invalid package name: ${problem}`);
  const { version, normalized } = pickVersion(json.version, queryVersion);
  if (json.type !== undefined && (typeof json.type !== "string" || !/^[a-z0-9-]{1,64}$/.test(json.type))) throw bad('"type" must be a lower-case word such as "library"');
  const time = typeof json.time === "string" && Number.isFinite(Date.parse(json.time)) ? new Date(Date.parse(json.time)) : new Date(uploadedAt);
  const entry: VersionEntry = { name: json.name };
  for (const key of KEPT) {
    if (key === "type") entry.type = json.type ?? "library";
    else if (json[key] !== undefined) entry[key] = json[key];
    if (key === "homepage") {
      entry.version = version;
      entry.version_normalized = normalized;
    }
  }
  entry.time = time.toISOString().replace(/\.\d{3}Z$/, "+00:00");
  return { name: json.name, version, normalizedVersion: normalized, entry };
}
