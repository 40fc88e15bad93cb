/** The OCI format: container images and OCI artifacts at `/v2` (docs/formats/oci.md). */
import type { FormatModule } from "../types";
import { ociErrorResponse } from "./errors";
import { ociProxy } from "./proxy";
import { collectUnreferencedBlobs } from "./hosted/gc";
import { readOciCredentials } from "./registry-auth";
import { ociRoutes } from "./routes";

export const ociFormat: FormatModule = {
  name: "oci",
  mount: "/v2",
  routes: ociRoutes,
  readCredentials: readOciCredentials,
  errorResponse: (error, context) => ociErrorResponse(error, context),
  challengeAnonymousReads: true,
  proxy: ociProxy,
  maintenance: collectUnreferencedBlobs,
};
