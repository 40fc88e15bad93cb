/**
 * Registration documents from members' copies (pure): a remote's copy rewritten so every
 * URL a client follows points at the serving repository, and a virtual repository's copies
 * merged — the union of leaves, the first member (in priority order) listing a version wins
 * it, re-paged in version order and inlined. An upstream page that is not inlined (a package
 * with many versions on NuGet.org) is kept as a page reference at our
 * `{hive}/{id}/page/{lower}/{upper}.json`, which the serving repository fetches from that
 * upstream on demand; its versions are not de-duplicated against the other members'.
 * Leaves younger than a member's release age (`catalogEntry.published`) are hidden.
 */
import type { MergedDocument, SourceDocument } from "../types";
import { type Hive, PAGE_SIZE } from "./registration";
import { compareNuGetVersions, normalizeNuGetVersion } from "./versions";

type Json = Record<string, unknown>;

export interface RegistrationParams {
  /** `{origin}/nuget/{repo}` of the serving repository. */
  base: string;
  hive: Hive;
  id: string;
  /** The served document's own URL (a page). */
  self?: string;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const lowerOf = (version: string): string => (normalizeNuGetVersion(version) ?? version).toLowerCase();

function parse(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

const indexUrl = (p: RegistrationParams, id: string = p.id) => `${p.base}/${p.hive}/${id.toLowerCase()}/index.json`;

/** A leaf (in a page, or a leaf document) with its URLs on the serving repository; null without a version. */
export function rewriteLeaf(leaf: Json, p: RegistrationParams): Json | null {
  const entry = isObject(leaf.catalogEntry) ? { ...leaf.catalogEntry } : null;
  const version = typeof entry?.version === "string" ? entry.version : typeof leaf.version === "string" ? leaf.version : null;
  if (!version) return null;
  const lid = p.id.toLowerCase();
  const lv = lowerOf(version);
  const content = `${p.base}/v3-flatcontainer/${lid}/${lv}/${lid}.${lv}.nupkg`;
  const out: Json = { ...leaf, "@id": `${p.base}/${p.hive}/${lid}/${lv}.json`, packageContent: content, registration: indexUrl(p) };
  if (entry) {
    entry.packageContent = content;
    if (Array.isArray(entry.dependencyGroups)) {
      entry.dependencyGroups = entry.dependencyGroups.map((g: unknown) =>
        isObject(g) && Array.isArray(g.dependencies)
          ? { ...g, dependencies: g.dependencies.map((d: unknown) => (isObject(d) && typeof d.id === "string" ? { ...d, registration: indexUrl(p, d.id) } : d)) }
          : g,
      );
    }
    out.catalogEntry = entry;
  }
  return out;
}

function tooYoung(leaf: Json, hours: number, now: number): boolean {
  if (hours <= 0 || !isObject(leaf.catalogEntry) || typeof leaf.catalogEntry.published !== "string") return false;
  const at = Date.parse(leaf.catalogEntry.published);
  return Number.isFinite(at) && now - at < hours * 3_600_000;
}

const versionOf = (leaf: Json): string => (isObject(leaf.catalogEntry) && typeof leaf.catalogEntry.version === "string" ? leaf.catalogEntry.version : "");

/** Merges registration indexes (a single copy: rewritten). */
export function mergeRegistrationIndexes(documents: readonly SourceDocument[], p: RegistrationParams, now: number): MergedDocument | null {
  const leaves = new Map<string, Json>();
  const foreignPages: Json[] = [];
  let context: unknown;
  for (const document of documents) {
    const index = parse(document.text);
    if (!index || !Array.isArray(index.items)) continue;
    context ??= index["@context"];
    for (const page of index.items) {
      if (!isObject(page)) continue;
      if (!Array.isArray(page.items)) {
        const lower = typeof page.lower === "string" ? lowerOf(page.lower) : "";
        const upper = typeof page.upper === "string" ? lowerOf(page.upper) : "";
        if (lower && upper) foreignPages.push({ ...page, "@id": `${p.base}/${p.hive}/${p.id.toLowerCase()}/page/${lower}/${upper}.json`, parent: indexUrl(p) });
        continue;
      }
      for (const raw of page.items) {
        if (!isObject(raw) || tooYoung(raw, document.minReleaseAgeHours, now)) continue;
        const leaf = rewriteLeaf(raw, p);
        const key = leaf ? lowerOf(versionOf(leaf)) : "";
        if (leaf && key && !leaves.has(key)) leaves.set(key, leaf);
      }
    }
  }
  if (leaves.size === 0 && foreignPages.length === 0) return null;
  const sorted = [...leaves.values()].sort((a, b) => compareNuGetVersions(versionOf(a), versionOf(b)));
  const items: Json[] = [];
  for (let i = 0; i < sorted.length; i += PAGE_SIZE) {
    const page = sorted.slice(i, i + PAGE_SIZE);
    const lower = versionOf(page[0] as Json);
    const upper = versionOf(page[page.length - 1] as Json);
    items.push({ "@id": `${indexUrl(p)}#page/${lowerOf(lower)}/${lowerOf(upper)}`, "@type": "catalog:CatalogPage", count: page.length, items: page, parent: indexUrl(p), lower, upper });
  }
  items.push(...foreignPages);
  const index: Json = { "@id": indexUrl(p), "@type": ["catalog:CatalogRoot", "PackageRegistration", "catalog:Permalink"], count: items.length, items };
  if (context !== undefined) index["@context"] = context;
  return { text: JSON.stringify(index) };
}

/** A page or leaf document: the first member's copy, rewritten. */
export function firstRewritten(documents: readonly SourceDocument[], p: RegistrationParams, kind: "page" | "leaf"): MergedDocument | null {
  for (const document of documents) {
    const value = parse(document.text);
    if (!value) continue;
    if (kind === "leaf") {
      const leaf = rewriteLeaf({ ...value, version: undefined, catalogEntry: isObject(value.catalogEntry) ? value.catalogEntry : { version: lowerFromUrl(value["@id"]) } }, p);
      if (!leaf) continue;
      if (!isObject(value.catalogEntry)) leaf.catalogEntry = value.catalogEntry;
      delete leaf.version;
      return { text: JSON.stringify(leaf) };
    }
    const items = Array.isArray(value.items) ? value.items.filter(isObject).map((l) => rewriteLeaf(l, p)).filter((l) => l !== null) : [];
    return { text: JSON.stringify({ ...value, "@id": p.self ?? value["@id"], parent: indexUrl(p), items }) };
  }
  return null;
}

function lowerFromUrl(id: unknown): string {
  const match = typeof id === "string" ? /\/([^/]+)\.json$/.exec(id) : null;
  return match?.[1] ?? "";
}

/** Flat container version lists merged: the union, lower case, in version order. */
export function mergeFlatIndexes(documents: readonly SourceDocument[]): MergedDocument | null {
  const versions = new Set<string>();
  for (const document of documents) {
    const value = parse(document.text);
    if (!value || !Array.isArray(value.versions)) continue;
    for (const v of value.versions) if (typeof v === "string") versions.add(lowerOf(v));
  }
  if (versions.size === 0) return null;
  return { text: JSON.stringify({ versions: [...versions].sort(compareNuGetVersions) }) };
}
