/**
 * RPM repository paths (docs/formats/rpm.md), relative to `/rpm/{repo}/`. A **group** is an
 * optional path of up to 4 segments (`el9`, `fedora/40`) naming its own repository tree:
 * `{group}/repodata/…`, `{group}/package/{name}/{file}.rpm`, `{group}/upload`. Files are
 * stored as `{group}/{name}-{version}-{release}.{arch}.rpm` of package `{name}`, version
 * `{version}-{release}` (the epoch is in the metadata: one NVRA is one file per group).
 */
import { RegistryError } from "../../errors";

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;
const RESERVED = new Set(["repodata", "package", "upload", "repository.key"]);
export const MAX_GROUP_DEPTH = 4;

export function isGroupSegment(segment: string): boolean {
  return SEGMENT.test(segment) && !RESERVED.has(segment) && !segment.endsWith(".repo") && !segment.includes("..");
}

/** Checks a group path ("" for the repository root); throws a 400 naming it. */
export function checkGroup(group: string): string {
  if (group === "") return group;
  const parts = group.split("/");
  if (parts.length > MAX_GROUP_DEPTH || !parts.every(isGroupSegment)) {
    throw new RegistryError("bad_request", `invalid group "${group.slice(0, 120)}": up to ${MAX_GROUP_DEPTH} segments of letters, digits and ._+~- (not repodata, package or upload)`, { field: "group" });
  }
  return group;
}

export const groupPrefix = (group: string): string => (group ? `${group}/` : "");

/** The stored file name (unique per group). */
export const storedName = (group: string, filename: string): string => `${groupPrefix(group)}${filename}`;

/** Where a package is downloaded, relative to the group's base URL (primary.xml `location`). */
export const packageHref = (name: string, filename: string): string => `package/${name}/${filename}`;

export type RpmPath =
  | { kind: "upload"; group: string }
  | { kind: "package"; group: string; name: string; filename: string }
  | { kind: "delete"; group: string; name: string; version: string; arch: string }
  | { kind: "repodata"; group: string; file: string }
  | { kind: "key" }
  | { kind: "repo-file"; group: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Splits `{group…}/{tail}` where the tail starts at the first reserved word; null if the path is not an RPM path. */
export function parseRpmPath(path: string): RpmPath | null {
  const parts = path.split("/").map(decode);
  if (parts.some((p) => p === null || p === "")) return null;
  const segments = parts as string[];
  if (segments.length === 1 && segments[0] === "repository.key") return { kind: "key" };
  const last = segments[segments.length - 1] ?? "";
  if (last.endsWith(".repo") && last.length > 5) {
    const group = [...segments.slice(0, -1), last.slice(0, -5)].join("/");
    return validGroup(group) ? { kind: "repo-file", group } : null;
  }
  const at = segments.findIndex((s) => s === "upload" || s === "repodata" || s === "package");
  if (at < 0) return null;
  const group = segments.slice(0, at).join("/");
  if (!validGroup(group)) return null;
  const tail = segments.slice(at);
  if (tail[0] === "upload" && tail.length === 1) return { kind: "upload", group };
  if (tail[0] === "repodata" && tail.length === 2) return { kind: "repodata", group, file: tail[1] ?? "" };
  if (tail[0] === "package" && tail.length === 3) return { kind: "package", group, name: tail[1] ?? "", filename: tail[2] ?? "" };
  if (tail[0] === "package" && tail.length === 4) return { kind: "delete", group, name: tail[1] ?? "", version: tail[2] ?? "", arch: tail[3] ?? "" };
  return null;
}

function validGroup(group: string): boolean {
  try {
    checkGroup(group);
    return true;
  } catch {
    return false;
  }
}

/** `{name}-{version}-{release}.{arch}.rpm` of package `name` → version (`{version}-{release}`), arch; or null. */
export function splitFilename(name: string, filename: string): { version: string; arch: string } | null {
  if (!filename.startsWith(`${name}-`) || !filename.endsWith(".rpm")) return null;
  const rest = filename.slice(name.length + 1, -4);
  const dot = rest.lastIndexOf(".");
  if (dot <= 0) return null;
  const version = rest.slice(0, dot);
  const arch = rest.slice(dot + 1);
  return version.includes("-") && arch ? { version, arch } : null;
}
