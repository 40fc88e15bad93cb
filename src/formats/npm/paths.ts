/**
 * The npm registry URL space under `/npm/{repo}/` (CouchDB-era paths that npm 11 still uses;
 * https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md). A scoped name arrives as
 * one segment (`@scope%2fname`, npm's escapedName) or two (`@scope/name`, tarball URLs).
 *
 *   {name}                                   packument (GET), publish / metadata update (PUT)
 *   {name}/{version|tag}                     one version document
 *   {name}/-/{file}.tgz                      tarball
 *   {name}/-rev/{rev}                        PUT: packument without unpublished versions; DELETE: whole package
 *   {name}/-/{file}.tgz/-rev/{rev}           DELETE: one version's tarball (libnpmpublish unpublish)
 *   -/package/{name}/dist-tags[/{tag}]       dist-tags
 *   -/whoami  -/ping  -/v1/search  -/user/org.couchdb.user:{name}
 */
import { RegistryError } from "../../errors";

export type NpmRoute =
  | { kind: "packument"; name: string }
  | { kind: "version"; name: string; spec: string }
  | { kind: "tarball"; name: string; filename: string }
  | { kind: "revision"; name: string; rev: string }
  | { kind: "tarball-revision"; name: string; filename: string; rev: string }
  | { kind: "dist-tags"; name: string; tag: string | null }
  | { kind: "whoami" }
  | { kind: "ping" }
  | { kind: "search" }
  | { kind: "login"; username: string };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RegistryError("name_invalid", "path is not valid percent-encoding");
  }
}

/** Splits off the package name: returns it and the segments after it, or null. */
function takeName(segments: readonly string[]): { name: string; rest: string[] } | null {
  const [first = "", second] = segments;
  if (first === "") return null;
  const decoded = decode(first);
  if (decoded.startsWith("@") && !decoded.includes("/")) {
    if (second === undefined || second === "") return null;
    return { name: `${decoded}/${decode(second)}`, rest: segments.slice(2) };
  }
  return { name: decoded, rest: segments.slice(1) };
}

function parseSpecial(segments: readonly string[]): NpmRoute | null {
  const [first = "", second, third] = segments;
  if (first === "whoami" && segments.length === 1) return { kind: "whoami" };
  if (first === "ping" && segments.length === 1) return { kind: "ping" };
  if (first === "v1" && second === "search" && segments.length === 2) return { kind: "search" };
  if (first === "user" && second?.startsWith("org.couchdb.user:") && segments.length === 2) {
    return { kind: "login", username: decode(second.slice("org.couchdb.user:".length)) };
  }
  if (first === "package" && second !== undefined && third !== undefined) {
    const taken = takeName(segments.slice(1));
    if (!taken || taken.rest[0] !== "dist-tags") return null;
    if (taken.rest.length === 1) return { kind: "dist-tags", name: taken.name, tag: null };
    if (taken.rest.length === 2 && taken.rest[1]) return { kind: "dist-tags", name: taken.name, tag: decode(taken.rest[1]) };
  }
  return null;
}

/** Parses the still percent-encoded path after `/npm/{repo}/`; null when it is no npm route. */
export function parseNpmPath(raw: string): NpmRoute | null {
  const segments = raw.split("/");
  if (segments[0] === "-") return parseSpecial(segments.slice(1));
  const taken = takeName(segments);
  if (!taken) return null;
  const { name, rest } = taken;
  if (rest.length === 0) return { kind: "packument", name };
  const [a = "", b, c, d] = rest;
  if (rest.length === 1 && a !== "" && !a.startsWith("-")) return { kind: "version", name, spec: decode(a) };
  if (a === "-rev" && rest.length === 2 && b) return { kind: "revision", name, rev: decode(b) };
  if (a === "-" && b) {
    const filename = decode(b);
    if (rest.length === 2) return { kind: "tarball", name, filename };
    if (rest.length === 4 && c === "-rev" && d) return { kind: "tarball-revision", name, filename, rev: decode(d) };
  }
  return null;
}
