/**
 * Merges members' `index.yaml` copies into the one a repository serves (pure; the
 * `helm-index` recipe of ./proxy.ts). In member priority order:
 * - a chart version listed by several members is taken from the first (higher priority wins);
 * - a chart name a hosted member lists is taken from hosted members only (shielding: an
 *   upstream cannot add versions to a private chart's name);
 * - entries younger than a member's release age (by `created`) are left out;
 * - every URL becomes `{base}charts/{name}-{version}.tgz`, and the provenance records which
 *   member serves that file and, for a remote member, the absolute upstream URL the index
 *   named (resolved against the upstream index URL, so relative and other-host URLs work).
 */
import { parse } from "yaml";
import type { MergedDocument, Provenance, SourceDocument } from "../types";
import { CHART_NAME, chartFilename } from "./chart-yaml";
import { renderIndex, type IndexEntry } from "./repository-index";

const HOUR = 3_600_000;

function entriesOf(text: string): Record<string, unknown[]> | null {
  try {
    const value = parse(text, { maxAliasCount: 1000 }) as { entries?: unknown } | null;
    if (!value || typeof value !== "object") return null;
    const entries = value.entries ?? {};
    return entries && typeof entries === "object" && !Array.isArray(entries) ? (entries as Record<string, unknown[]>) : null;
  } catch {
    return null;
  }
}

function asEntry(name: string, raw: unknown): IndexEntry | null {
  if (!raw || typeof raw !== "object") return null;
  const entry = raw as Partial<IndexEntry>;
  if (typeof entry.version !== "string" || !Array.isArray(entry.urls) || typeof entry.urls[0] !== "string") return null;
  return { ...entry, apiVersion: typeof entry.apiVersion === "string" ? entry.apiVersion : "v1", name, version: entry.version, urls: entry.urls as string[] };
}

const tooYoung = (entry: IndexEntry, hours: number, now: number): boolean => {
  if (hours <= 0) return false;
  const created = typeof entry.created === "string" ? Date.parse(entry.created) : Number.NaN;
  return Number.isNaN(created) || now - created < hours * HOUR;
};

export function mergeHelmIndexes(documents: readonly SourceDocument[], base: string, now: number): MergedDocument | null {
  const parsed = documents.map((document) => ({ document, entries: entriesOf(document.text) })).filter((p) => p.entries !== null);
  if (parsed.length === 0) return null;
  const hostedNames = new Set(parsed.filter((p) => p.document.baseUrl === "").flatMap((p) => Object.keys(p.entries ?? {})));
  const merged: Record<string, IndexEntry[]> = {};
  const provenance: Record<string, Provenance> = {};
  for (const { document, entries } of parsed) {
    const hosted = document.baseUrl === "";
    for (const [name, list] of Object.entries(entries ?? {})) {
      if (!CHART_NAME.test(name) || !Array.isArray(list) || (!hosted && hostedNames.has(name))) continue;
      for (const raw of list) {
        const entry = asEntry(name, raw);
        if (!entry || tooYoung(entry, document.minReleaseAgeHours, now)) continue;
        const filename = chartFilename(name, entry.version);
        if (filename in provenance) continue;
        let url: string;
        try {
          url = new URL(entry.urls[0] ?? "", hosted ? base : document.baseUrl).href;
        } catch {
          continue;
        }
        provenance[filename] = hosted ? { member: document.member } : { member: document.member, url };
        const list = merged[name] ?? [];
        merged[name] = list;
        list.push({ ...entry, urls: [`${base}charts/${encodeURIComponent(filename)}`] });
      }
    }
  }
  return { text: renderIndex(merged, new Date(now)), provenance };
}
