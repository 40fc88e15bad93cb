/**
 * Maven path helpers shared by the hosted routes and the remote/virtual engine: percent-decoding
 * a request path safely, validating it into coordinates (400 on bad input), classifying it for
 * caching (metadata vs artifact) and naming the package it belongs to (for shielding).
 * The hooks take repository-relative paths still percent-encoded, as they appear in the request
 * URL and go upstream ("org/example/lib/1.0/lib-1.0.jar"); one leading "/" is tolerated.
 */
import { RegistryError } from "../../errors";
import { parseMavenPath, type MavenCoordinates } from "./coordinates";

/** Decodes each segment of a raw (still percent-encoded) path; an encoded "/" or bad escape is a 400. */
export function decodeMavenPath(raw: string): string {
  return raw
    .split("/")
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new RegistryError("bad_request", "path is not valid percent-encoding");
      }
      if (decoded.includes("/")) throw new RegistryError("bad_request", "path contains an encoded '/'");
      return decoded;
    })
    .join("/");
}

function stripLeadingSlash(path: string): string {
  return path.startsWith("/") ? path.slice(1) : path;
}

/** Parses a decoded repository-relative path or throws a 400 naming what is wrong. */
export function mavenCoordinates(path: string): MavenCoordinates {
  const result = parseMavenPath(stripLeadingSlash(path));
  if (!result.ok) {
    const code = result.reason === "invalid-version" ? "version_invalid" : result.reason === "invalid-group-id" || result.reason === "invalid-artifact-id" ? "name_invalid" : "bad_request";
    throw new RegistryError(code, `invalid Maven path: ${result.message}`);
  }
  return result.coordinates;
}

/** Coordinates of a still percent-encoded path; null when it does not decode or is not valid. */
export function parseRawMavenPath(rawPath: string): MavenCoordinates | null {
  let decoded: string;
  try {
    decoded = decodeMavenPath(stripLeadingSlash(rawPath));
  } catch {
    return null;
  }
  const result = parseMavenPath(decoded);
  return result.ok ? result.coordinates : null;
}

/**
 * For remote caching: `maven-metadata.xml` (any level) and its checksums are "metadata"
 * (they change); every other valid path is an immutable "artifact"; an invalid path is null.
 */
export function classifyMavenPath(path: string): "metadata" | "artifact" | null {
  return parseRawMavenPath(path)?.kind ?? null;
}

/** The stored package key of a coordinate pair: `groupId:artifactId` lower-cased (= package.lower_name). */
export function mavenPackageLowerName(groupId: string, artifactId: string): string {
  return `${groupId}:${artifactId}`.toLowerCase();
}

/**
 * The package a path belongs to, for shielding: `groupId:artifactId` lower-cased exactly as
 * hosted Maven repositories store it in `package.lower_name`; null for an invalid path.
 */
export function mavenPackageKey(path: string): string | null {
  const coords = parseRawMavenPath(path);
  return coords ? mavenPackageLowerName(coords.groupId, coords.artifactId) : null;
}
