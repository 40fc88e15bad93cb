/**
 * The abbreviated ("corgi") packument from a full one's text, one version parsed at a time
 * (the same install fields as the hosted abbreviate in ../packument.ts), for
 * `Accept: application/vnd.npm.install-v1+json`
 * (https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md).
 */
import { abbreviateVersion, type JsonObject } from "../packument";
import { joinMembers, objectMembers } from "./json-scan";

export function abbreviatePackumentText(text: string): string {
  const members = new Map(objectMembers(text));
  const versions = objectMembers(members.get("versions") ?? "{}").map(([version, raw]): [string, string] => {
    return [version, JSON.stringify(abbreviateVersion(JSON.parse(raw) as JsonObject))];
  });
  const time = JSON.parse(members.get("time") ?? "{}") as Record<string, string>;
  return joinMembers([
    ["name", members.get("name") ?? '""'],
    ["modified", JSON.stringify(time.modified ?? new Date(0).toISOString())],
    ["dist-tags", members.get("dist-tags") ?? "{}"],
    ["versions", joinMembers(versions)],
  ]);
}
