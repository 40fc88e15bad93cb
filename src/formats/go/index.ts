/**
 * Go modules at `/go/{repo}/`: the GOPROXY protocol (list, info, mod, zip, latest; `!` case
 * encoding), hosted uploads of module zips checked as the go command checks them, remote
 * pull-through of a module proxy and virtual repositories (docs/formats/go.md).
 */
import type { FormatModule } from "../types";
import { goErrorResponse } from "./errors";
import { goProxy } from "./proxy";
import { goRoutes } from "./routes";

export const goFormat: FormatModule = {
  name: "go",
  routes: goRoutes,
  errorResponse: goErrorResponse,
  proxy: goProxy,
};
