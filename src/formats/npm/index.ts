/**
 * The npm format at `/npm/{repo}/`: hosted registries (publish, install, dist-tags,
 * deprecate, unpublish, view, search, whoami, ping, legacy login) and remote/virtual ones
 * (precomputed merged packuments, release age: ./virtual/).
 */
import type { FormatModule } from "../types";
import { npmErrorResponse } from "./errors";
import { npmHooks } from "./hooks";
import { npmRoutes } from "./routes";

export { ABBREVIATED_MEDIA_TYPE, abbreviateVersion, buildPackumentText, renderVersion, sortVersions, tarballUrl } from "./packument";
export type { JsonObject, Packument, PackumentOptions, StoredVersion } from "./packument";
export { isValidNpmName, tarballFilename, validateNpmName, validateTagName, versionFromFilename } from "./names";
export { successorLatest, tagsAfterPublish, tagsAfterRemoval } from "./dist-tags";
export { npmErrorResponse } from "./errors";

export const npmFormat: FormatModule = {
  name: "npm",
  routes: npmRoutes,
  errorResponse: (error, { requestId }) => npmErrorResponse(error, requestId),
  hooks: npmHooks,
};
