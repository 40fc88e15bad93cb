/**
 * RubyGems at `/rubygems/{repo}/`: `gem push`/`gem yank`, the compact index Bundler and
 * RubyGems read (`versions`, `info/{name}`, `names`) kept as stored documents, the legacy
 * Marshal indexes, `.gem` downloads; remote (a rubygems.org-style upstream) and virtual
 * (per-gem `/info` merge, merged `/versions`) through the engine. docs/formats/rubygems.md.
 */
import type { FormatModule } from "../types";
import { rubygemsErrorResponse } from "./errors";
import { rubygemsHooks } from "./hooks";
import { rubygemsProxy } from "./proxy";
import { rubygemsIndexes } from "./repository-index";
import { rubygemsRoutes } from "./routes";

export const rubygemsFormat: FormatModule = {
  name: "rubygems",
  routes: rubygemsRoutes,
  errorResponse: rubygemsErrorResponse,
  challengeAnonymousReads: true,
  proxy: rubygemsProxy,
  hooks: rubygemsHooks,
  indexes: rubygemsIndexes,
};
