/**
 * PyPI at `/pypi/{repo}/`: twine uploads (legacy API), the Simple API (PEP 503 HTML and
 * PEP 691 JSON, PEP 592/658/700/714), files with their PEP 658 metadata, and yanking.
 * Remote/virtual: ./proxy.ts (paths, shielding key) and the pure pieces the engine wires
 * (./simple-merge.ts, ./simple-render.ts).
 */
import type { FormatModule } from "../types";
import { pypiErrorFromContext } from "./errors";
import { pypiProxy } from "./proxy";
import { pypiRoutes } from "./routes";

export { mergeProjectLists, mergeSimpleProjects } from "./simple-merge";
export { renderSimpleHtml, renderSimpleJson, type SimpleFile } from "./simple-render";
export { pypiErrorFromContext, pypiErrorResponse } from "./errors";

export const pypiFormat: FormatModule = {
  name: "pypi",
  routes: pypiRoutes,
  errorResponse: pypiErrorFromContext,
  proxy: pypiProxy,
};
