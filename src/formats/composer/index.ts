/**
 * Composer (PHP) at `/composer/{repo}/`: the Composer 2 repository protocol (packages.json,
 * p2 metadata, dists, search), zip uploads as Gitea takes them, remote pull-through of a
 * packagist-style repository and virtual repositories (docs/formats/composer.md).
 */
import type { FormatModule } from "../types";
import { composerErrorResponse } from "./errors";
import { composerProxy } from "./proxy";
import { composerRoutes } from "./routes";
import { composerHooks } from "./stored";

export const composerFormat: FormatModule = {
  name: "composer",
  routes: composerRoutes,
  errorResponse: composerErrorResponse,
  challengeAnonymousReads: true,
  proxy: composerProxy,
  hooks: composerHooks,
};
