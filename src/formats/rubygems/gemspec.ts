/**
 * A gem's specification as this registry keeps it (the version row's metadata), read from
 * the `.gem`'s `metadata.gz`: the YAML `Gem::Specification` RubyGems writes, with Ruby tags
 * (`!ruby/object:Gem::Specification`, `…Gem::Version`, `…Gem::Requirement`,
 * `…Gem::Dependency`) read as plain maps by the `yaml` library's custom tags, and symbols
 * (`:runtime`) as strings. Everything the compact index, the legacy indexes and the quick
 * `Gem::Specification` Marshal need is kept; file lists are not.
 */
import { parse, type Tags } from "yaml";
import { RegistryError } from "../../errors";
import { gemNameProblem, isValidGemVersion, normalisePlatform } from "./names";

/** `[operator, version]` pairs, as `Gem::Requirement#requirements`. */
export type Requirement = [string, string][];

export interface GemDependency {
  name: string;
  requirement: Requirement;
  type: "runtime" | "development";
}

export interface GemSpec {
  name: string;
  /** The version number (`Gem::Version#version`). */
  number: string;
  /** `ruby` or the platform string. */
  platform: string;
  summary: string | null;
  description: string | null;
  authors: string[];
  email: string | string[] | null;
  homepage: string | null;
  licenses: string[];
  metadata: Record<string, string>;
  /** ISO 8601 of the specification's `date`. */
  date: string;
  requiredRubyVersion: Requirement;
  requiredRubygemsVersion: Requirement;
  dependencies: GemDependency[];
  rubygemsVersion: string;
  specificationVersion: number;
}

const OPERATORS = new Set(["=", "!=", ">", "<", ">=", "<=", "~>"]);
const RUBY_CLASSES = ["Specification", "Version", "Requirement", "Dependency", "Platform"];
const customTags: Tags = RUBY_CLASSES.map((name) => ({ tag: `!ruby/object:Gem::${name}`, collection: "map" as const, identify: () => false }));

const invalid = (message: string) => new RegistryError("bad_request", `invalid gem: ${message}`);

type Loose = Record<string, unknown>;
const isMap = (value: unknown): value is Loose => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === "string" ? value : typeof value === "number" ? String(value) : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(text).filter((s): s is string => s !== null) : typeof value === "string" ? [value] : []);

/** A `Gem::Version` map (`{version: "1.0"}`) or a bare version. */
function versionOf(value: unknown): string | null {
  return isMap(value) ? text(value.version) : text(value);
}

/** A `Gem::Requirement` map; missing: `>= 0`. */
export function requirementOf(value: unknown, what: string): Requirement {
  const list = isMap(value) ? value.requirements : undefined;
  if (list === undefined || list === null) return [[">=", "0"]];
  if (!Array.isArray(list)) throw invalid(`${what} is not a requirement`);
  const pairs: Requirement = list.map((pair) => {
    const op = Array.isArray(pair) ? text(pair[0]) : null;
    const version = Array.isArray(pair) ? versionOf(pair[1]) : null;
    if (!op || !OPERATORS.has(op) || version === null || !/^[0-9A-Za-z.\-]+$/.test(version)) throw invalid(`${what} has an invalid requirement ${JSON.stringify(pair)}`);
    return [op, version];
  });
  return pairs.length ? pairs : [[">=", "0"]];
}

function dependencyOf(value: unknown): GemDependency {
  if (!isMap(value)) throw invalid("a dependency is not a Gem::Dependency");
  const name = text(value.name);
  if (!name || gemNameProblem(name)) throw invalid(`invalid dependency name ${JSON.stringify(value.name)}`);
  const type = text(value.type)?.replace(/^:/, "") === "development" ? "development" : "runtime";
  return { name, requirement: requirementOf(value.requirement ?? value.version_requirements, `dependency ${name}`), type };
}

function dateOf(value: unknown): string {
  const raw = value instanceof Date ? value.toISOString() : text(value);
  const parsed = raw ? Date.parse(raw.replace(" ", "T").replace(/\.\d+/, "").replace(/ Z$/, "Z").replace(/ ([+-]\d\d):?(\d\d)$/, "$1:$2")) : Number.NaN;
  const date = Number.isNaN(parsed) ? new Date(Date.UTC(1980, 0, 2)) : new Date(parsed);
  // Gem::Specification keeps the day only (its `date=` truncates to midnight UTC).
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())).toISOString();
}

function stringMap(value: unknown): Record<string, string> {
  if (!isMap(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Parses the YAML of `metadata.gz` into a GemSpec; a 400 naming the problem when it is not a usable gem specification. */
export function parseGemspecYaml(yaml: string): GemSpec {
  let doc: unknown;
  try {
    doc = parse(yaml, { customTags, logLevel: "error", maxAliasCount: 1000, uniqueKeys: false });
  } catch (error) {
    throw invalid(`metadata.gz is not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!isMap(doc)) throw invalid("metadata.gz is not a Gem::Specification");
  const name = text(doc.name) ?? "";
  const problem = gemNameProblem(name);
  if (problem) throw invalid(`invalid name: ${problem}`);
  const number = versionOf(doc.version);
  if (number === null || !isValidGemVersion(number)) throw invalid(`invalid version ${JSON.stringify(number ?? doc.version ?? null)} (expected digits and dots, e.g. 1.2.0 or 1.2.0.pre)`);
  const platform = normalisePlatform(isMap(doc.platform) ? [text(doc.platform.cpu), text(doc.platform.os), text(doc.platform.version)].filter(Boolean).join("-") : text(doc.platform));
  if (platform === null) throw invalid(`invalid platform ${JSON.stringify(doc.platform)}`);
  const dependencies = Array.isArray(doc.dependencies) ? doc.dependencies.map(dependencyOf) : [];
  const email = Array.isArray(doc.email) ? strings(doc.email) : text(doc.email);
  return {
    name,
    number,
    platform,
    summary: text(doc.summary),
    description: text(doc.description),
    authors: strings(doc.authors),
    email,
    homepage: text(doc.homepage),
    licenses: strings(doc.licenses),
    metadata: stringMap(doc.metadata),
    date: dateOf(doc.date),
    requiredRubyVersion: requirementOf(doc.required_ruby_version, "required_ruby_version"),
    requiredRubygemsVersion: requirementOf(doc.required_rubygems_version, "required_rubygems_version"),
    dependencies,
    rubygemsVersion: text(doc.rubygems_version) ?? "0",
    specificationVersion: typeof doc.specification_version === "number" ? doc.specification_version : 4,
  };
}

/** The stored metadata of a version row, or null when it is not one of ours. */
export function storedGemSpec(metadata: string): (GemSpec & { yanked?: boolean }) | null {
  try {
    const value = JSON.parse(metadata) as (GemSpec & { yanked?: boolean }) | null;
    return isMap(value) && typeof value.name === "string" && typeof value.number === "string" && typeof value.platform === "string" ? value : null;
  } catch {
    return null;
  }
}

/** `Gem::Requirement#to_s` parts: `>= 1.0`. */
export const requirementStrings = (requirement: Requirement): string[] => requirement.map(([op, version]) => `${op} ${version}`);

/** Whether a requirement is only the default `>= 0`. */
export const isDefaultRequirement = (requirement: Requirement): boolean => requirement.every(([op, version]) => op === ">=" && /^0(\.0)*$/.test(version));
