/**
 * PEP 592 yanking. PyPI yanks a release (all its files), not a single file, and keeps the
 * files installable by exact pin (`==`); the simple pages then carry `data-yanked` /
 * `"yanked"` with the reason. The state lives in the version's metadata.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { normalizeName, normalizeVersion } from "./names";
import { parseVersionMetadata } from "./stored";

export interface YankResult {
  project: string;
  version: string;
  yanked: boolean;
  reason?: string;
}

export async function setYank(source: HostedSource, project: string, version: string, yank: { reason: string } | null): Promise<YankResult> {
  const lowerVersion = normalizeVersion(version);
  if (!lowerVersion) throw new RegistryError("version_invalid", `'${version.slice(0, 100)}' is not a valid PEP 440 version`, { field: "version" });
  const pkg = await source.findPackageRow(normalizeName(project));
  const row = pkg ? await source.findVersionRow(pkg.id, lowerVersion) : null;
  if (!pkg || !row) throw new RegistryError("not_found", `${project} ${version} not found`);
  const { yanked: _previous, ...metadata } = parseVersionMetadata(row.metadata);
  const next = yank ? { ...metadata, yanked: { reason: yank.reason, at: Date.now() } } : metadata;
  await source.updatePackageMetadata(pkg, { versions: [{ versionId: row.id, metadata: next }] });
  await source.auditEvent(yank ? "version.yank" : "version.unyank", `${pkg.name}/${row.version}`, yank ? { reason: yank.reason } : {});
  return { project: pkg.name, version: row.version, yanked: yank !== null, ...(yank ? { reason: yank.reason } : {}) };
}
