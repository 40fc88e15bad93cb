/**
 * A hosted Helm repository's `index.yaml`, built by the IndexBuilder (docs/architecture.md)
 * a moment after writes settle and stored per repository revision: every chart version with
 * its Chart.yaml fields (kept at upload, ./chart-yaml.ts), `urls: [charts/{name}-{version}.tgz]`
 * (relative to the repository, as ChartMuseum writes them), `created` (upload time) and
 * `digest` (the archive's sha256, which helm checks when it verifies). Versions newest first,
 * as `helm repo index` sorts them. The served document is this one merged through the
 * `helm-index` recipe (./index-merge.ts), which makes the URLs absolute.
 */
import { rcompare, valid } from "semver";
import { stringify } from "yaml";
import type { PackageReader } from "../../repositories/package-source";
import type { IndexSpec } from "../types";
import type { ChartMetadata } from "./chart-yaml";

const PAGE = 200;

export const INDEX_NAME = "index.yaml";

export interface IndexEntry extends ChartMetadata {
  urls: string[];
  created?: string;
  digest?: string;
}

export interface HelmIndex {
  apiVersion: "v1";
  entries: Record<string, IndexEntry[]>;
  generated: string;
}

export function compareChartVersions(a: IndexEntry, b: IndexEntry): number {
  return valid(a.version) && valid(b.version) ? rcompare(a.version, b.version) : b.version.localeCompare(a.version);
}

export function renderIndex(entries: Record<string, IndexEntry[]>, generated: Date): string {
  const sorted: Record<string, IndexEntry[]> = {};
  for (const name of Object.keys(entries).sort()) sorted[name] = [...(entries[name] ?? [])].sort(compareChartVersions);
  const index: HelmIndex = { apiVersion: "v1", entries: sorted, generated: generated.toISOString() };
  return stringify(index, { lineWidth: 0 });
}

async function build(reader: PackageReader): Promise<string> {
  const entries: Record<string, IndexEntry[]> = {};
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      if (!row.file.isLead) continue;
      let metadata: ChartMetadata;
      try {
        metadata = JSON.parse(row.version.metadata) as ChartMetadata;
      } catch {
        continue;
      }
      if (!metadata.name || !metadata.version) continue;
      const list = entries[metadata.name] ?? [];
      entries[metadata.name] = list;
      list.push({ ...metadata, urls: [`charts/${row.file.name}`], created: new Date(row.file.createdAt).toISOString(), digest: row.blob.sha256 });
    }
    if (page.length < PAGE) break;
  }
  return renderIndex(entries, new Date());
}

export const helmIndexes: readonly IndexSpec[] = [{ name: INDEX_NAME, contentType: "application/x-yaml", build }];
