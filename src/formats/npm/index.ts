/**
 * The npm format: hosted npm registries at `/npm/{repo}/` (publish, install, dist-tags,
 * deprecate, unpublish, view, search, whoami, ping, legacy login), plus the pure pieces the
 * remote/virtual engine reuses (packument building, abbreviation, path helpers).
 */
import type { FormatModule } from "../types";
import { npmErrorResponse } from "./errors";
import { npmRoutes } from "./routes";

export { ABBREVIATED_MEDIA_TYPE, abbreviate, abbreviateVersion, buildPackument, renderVersion, sortVersions, tarballUrl } from "./packument";
export type { AbbreviatedPackument, JsonObject, Packument, PackumentOptions, StoredVersion } from "./packument";
export { classifyNpmPath, npmPackageKey, npmProxyHelpers, readHostedNpm, requestBase } from "./proxy";
export { isValidNpmName, tarballFilename, validateNpmName, validateTagName, versionFromFilename } from "./names";
export { successorLatest, tagsAfterPublish, tagsAfterRemoval } from "./dist-tags";
export { npmErrorResponse } from "./errors";

export const npmFormat: FormatModule = {
  name: "npm",
  routes: npmRoutes,
  errorResponse: npmErrorResponse,
};
