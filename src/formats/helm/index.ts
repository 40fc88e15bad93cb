/**
 * Helm chart repositories (classic HTTP) at `/helm/{repo}/`: index.yaml from hosted charts
 * through the IndexBuilder, ChartMuseum-style upload and delete, chart downloads; remote
 * (upstream index.yaml, chart URLs on any host rewritten here) and virtual (indexes merged
 * as a precomputed document). docs/formats/helm.md.
 */
import type { FormatModule } from "../types";
import { helmErrorResponse } from "./errors";
import { helmProxy } from "./proxy";
import { helmIndexes } from "./repository-index";
import { helmRoutes } from "./routes";

export const helmFormat: FormatModule = {
  name: "helm",
  routes: helmRoutes,
  errorResponse: helmErrorResponse,
  proxy: helmProxy,
  indexes: helmIndexes,
};
