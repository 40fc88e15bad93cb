/** The generic format: any file by package, version and name. */
import type { FormatModule } from "../types";
import { jsonErrorResponse } from "./errors";
import { genericProxy } from "./proxy";
import { genericIndexes } from "./repository-index";
import { genericRoutes } from "./routes";

export const genericFormat: FormatModule = {
  name: "generic",
  routes: genericRoutes,
  errorResponse: (error, { requestId }) => jsonErrorResponse(error, requestId),
  proxy: genericProxy,
  indexes: genericIndexes,
};
