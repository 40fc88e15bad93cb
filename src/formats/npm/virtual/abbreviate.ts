/**
 * The abbreviated ("corgi") packument from a full one's text, version by version, for
 * `Accept: application/vnd.npm.install-v1+json`
 * (https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md).
 */
import { joinMembers, objectMembers } from "./json-scan";

const INSTALL_FIELDS = [
  "name", "version", "deprecated", "dependencies", "optionalDependencies", "devDependencies", "bundleDependencies",
  "bundledDependencies", "peerDependencies", "peerDependenciesMeta", "bin", "directories", "dist", "engines", "cpu", "os",
  "_hasShrinkwrap", "hasInstallScript", "funding", "license", "acceptDependencies", "libc",
] as const;

export function abbreviatePackumentText(text: string): string {
  const members = new Map(objectMembers(text));
  const versions = objectMembers(members.get("versions") ?? "{}").map(([version, raw]): [string, string] => {
    const full = JSON.parse(raw) as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const field of INSTALL_FIELDS) if (full[field] !== undefined) picked[field] = full[field];
    return [version, JSON.stringify(picked)];
  });
  const time = JSON.parse(members.get("time") ?? "{}") as Record<string, string>;
  return joinMembers([
    ["name", members.get("name") ?? '""'],
    ["modified", JSON.stringify(time.modified ?? new Date(0).toISOString())],
    ["dist-tags", members.get("dist-tags") ?? "{}"],
    ["versions", joinMembers(versions)],
  ]);
}
