/**
 * The Maven format: hosted repositories speaking the Maven 2 repository layout, plus the
 * hooks the remote/virtual engine uses (path classification, package key, hosted reads).
 */
import type { FormatModule } from "../types";
import { mavenErrorResponse } from "./errors";
import { mavenProxy } from "./proxy";
import { mavenRoutes } from "./routes";

export { classifyMavenPath, mavenPackageKey } from "./classify";
export { mavenMetadataChecksumOf, mavenProxy, mergeMavenMetadata } from "./proxy";
export { readHostedMaven } from "./read";

export const mavenFormat: FormatModule = {
  name: "maven",
  routes: mavenRoutes,
  errorResponse: (error, { requestId }) => mavenErrorResponse(error, requestId),
  challengeAnonymousReads: true,
  proxy: mavenProxy,
};
