/**
 * Generic package coordinates: `{package}/{version}/{filename}` (GitLab's and Gitea's
 * generic registries). Each URL segment is percent-decoded exactly once and then checked
 * against a conservative character set, so `..`, encoded slashes or backslashes and control
 * characters can never reach storage in any encoding.
 */
import { RegistryError } from "../../errors";

const MAX_LENGTH = 255;
const packagePattern = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;
const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;
// Letters, digits and punctuation that is safe in a file name on every OS; no / \ : % or controls.
const filenamePattern = /^[A-Za-z0-9._+~@=,()[\]{}!#$&' -]+$/;

export interface GenericCoordinates {
  packageName: string;
  version: string;
  filename: string;
}

function decodeSegment(segment: string, field: "name" | "version" | "filename"): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(field, `${field} is not valid percent-encoding`);
  }
}

function invalid(field: "name" | "version" | "filename", message: string): RegistryError {
  const code = field === "name" ? "name_invalid" : field === "version" ? "version_invalid" : "filename_invalid";
  return new RegistryError(code, message, { field });
}

export function validatePackageName(name: string): string {
  if (name.length === 0 || name.length > MAX_LENGTH || !packagePattern.test(name)) {
    throw invalid("name", `package name must be 1-${MAX_LENGTH} characters of A-Z a-z 0-9 . _ + ~ - and start with a letter or digit`);
  }
  return name;
}

export function validateVersion(version: string): string {
  if (version.length === 0 || version.length > MAX_LENGTH || !versionPattern.test(version)) {
    throw invalid("version", `version must be 1-${MAX_LENGTH} characters of A-Z a-z 0-9 . _ + ~ - and start with a letter or digit`);
  }
  return version;
}

export function validateFilename(filename: string): string {
  if (filename.length === 0 || filename.length > MAX_LENGTH) throw invalid("filename", `filename must be 1-${MAX_LENGTH} characters`);
  if (filename === "." || filename === ".." || filename.includes("..") || !filenamePattern.test(filename)) {
    throw invalid("filename", "filename contains a path separator, '..', a control character or another character that is not allowed");
  }
  if (filename.trim() !== filename) throw invalid("filename", "filename must not start or end with a space");
  return filename;
}

/**
 * Parses the raw (still percent-encoded) path after `/generic/{repo}/`.
 * Returns null when the path does not have exactly three segments (a 404, not a 400).
 */
export function parseGenericPath(rawRest: string): GenericCoordinates | null {
  const segments = rawRest.split("/");
  if (segments.length !== 3) return null;
  const [name = "", version = "", filename = ""] = segments;
  return {
    packageName: validatePackageName(decodeSegment(name, "name")),
    version: validateVersion(decodeSegment(version, "version")),
    filename: validateFilename(decodeSegment(filename, "filename")),
  };
}
