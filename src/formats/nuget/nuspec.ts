/**
 * The `.nuspec` manifest (XML, any of the nuspec namespaces): what a version's registration
 * leaf, search result and v2 entry say. Required: `id` (NuGet's id rule), `version` (a NuGet
 * version, stored normalised), `authors`, `description`. Dependencies come flat
 * (`<dependency>` under `<dependencies>`: target framework "") or grouped by
 * `<group targetFramework>`. A `packageType` other than `Dependency` (e.g. `SymbolsPackage`,
 * `DotnetTool` is fine) is reported so the upload can refuse symbol packages.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { RegistryError } from "../../errors";
import { isSemVer2, isValidPackageId, parseNuGetVersion } from "./versions";

export interface NuGetDependency {
  id: string;
  range: string;
}

export interface DependencyGroup {
  targetFramework: string;
  dependencies: NuGetDependency[];
}

export interface Nuspec {
  id: string;
  /** Normalised version. */
  version: string;
  /** As written in the nuspec. */
  originalVersion: string;
  semVer2: boolean;
  prerelease: boolean;
  authors: string;
  description: string;
  owners?: string;
  title?: string;
  summary?: string;
  releaseNotes?: string;
  copyright?: string;
  language?: string;
  tags?: string;
  projectUrl?: string;
  licenseUrl?: string;
  license?: string;
  iconUrl?: string;
  repositoryUrl?: string;
  requireLicenseAcceptance: boolean;
  developmentDependency: boolean;
  minClientVersion?: string;
  dependencyGroups: DependencyGroup[];
  packageTypes: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  isArray: (name) => ["dependency", "group", "packageType"].includes(name),
});

type Node = Record<string, unknown>;

const bad = (message: string) => new RegistryError("bad_request", `invalid .nuspec: ${message}`);

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (value && typeof value === "object" && typeof (value as Node)["#text"] === "string") return ((value as Node)["#text"] as string).trim() || undefined;
  return undefined;
}

function nodes(value: unknown): Node[] {
  if (Array.isArray(value)) return value.filter((v): v is Node => typeof v === "object" && v !== null);
  return value && typeof value === "object" ? [value as Node] : [];
}

function dependencies(list: unknown): NuGetDependency[] {
  return nodes(list).flatMap((d) => {
    const id = text(d["@_id"]);
    return id ? [{ id, range: text(d["@_version"]) ?? "" }] : [];
  });
}

function dependencyGroups(node: unknown): DependencyGroup[] {
  if (!node || typeof node !== "object") return [];
  const deps = node as Node;
  const groups = nodes(deps.group).map((g) => ({ targetFramework: text(g["@_targetFramework"]) ?? "", dependencies: dependencies(g.dependency) }));
  const flat = dependencies(deps.dependency);
  return flat.length ? [{ targetFramework: "", dependencies: flat }, ...groups] : groups;
}

function optionalStrings(metadata: Node): Partial<Nuspec> {
  const fields = ["owners", "title", "summary", "releaseNotes", "copyright", "language", "tags", "projectUrl", "licenseUrl", "license", "iconUrl"] as const;
  const out: Partial<Record<(typeof fields)[number] | "repositoryUrl", string>> = {};
  for (const field of fields) {
    const value = text(metadata[field]);
    if (value !== undefined) out[field] = value;
  }
  const repository = nodes(metadata.repository)[0];
  const repositoryUrl = repository ? text(repository["@_url"]) : undefined;
  if (repositoryUrl) out.repositoryUrl = repositoryUrl;
  return out;
}

/** Parses and validates a nuspec document (400 `invalid .nuspec: …` on any problem). */
export function parseNuspec(xml: string): Nuspec {
  if (XMLValidator.validate(xml) !== true) throw bad("it is not well-formed XML");
  const root = (parser.parse(xml) as Node).package as Node | undefined;
  const metadata = root && typeof root === "object" ? (root.metadata as Node | undefined) : undefined;
  if (!metadata || typeof metadata !== "object") throw bad("it has no <package><metadata> element");
  const id = text(metadata.id);
  if (!id) throw bad("<id> is missing");
  if (!isValidPackageId(id)) throw bad(`'${id}' is not a valid package id (letters, digits, '_', separated by single '.' or '-', at most 100 characters)`);
  const originalVersion = text(metadata.version);
  if (!originalVersion) throw bad("<version> is missing");
  const version = parseNuGetVersion(originalVersion);
  if (!version) throw bad(`'${originalVersion}' is not a valid NuGet version`);
  const authors = text(metadata.authors);
  if (!authors) throw bad("<authors> is missing");
  const description = text(metadata.description);
  if (!description) throw bad("<description> is missing");
  const packageTypes = nodes((metadata.packageTypes as Node | undefined)?.packageType).flatMap((p) => text(p["@_name"]) ?? []);
  const groups = dependencyGroups(metadata.dependencies);
  const semVer2 = isSemVer2(version) || groups.some((g) => g.dependencies.some((d) => /[-+][0-9A-Za-z-]+\./.test(d.range) || d.range.includes("+")));
  return {
    id,
    version: version.normalized,
    originalVersion,
    semVer2,
    prerelease: version.release.length > 0,
    authors,
    description,
    ...optionalStrings(metadata),
    requireLicenseAcceptance: text(metadata.requireLicenseAcceptance)?.toLowerCase() === "true",
    developmentDependency: text(metadata.developmentDependency)?.toLowerCase() === "true",
    ...(text(metadata["@_minClientVersion"]) ? { minClientVersion: text(metadata["@_minClientVersion"]) } : {}),
    dependencyGroups: groups,
    packageTypes,
  };
}
