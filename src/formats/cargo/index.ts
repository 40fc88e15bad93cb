/**
 * Cargo at `/cargo/{repo}/`: the sparse index, `cargo publish`, yank/unyank, search and
 * owners, downloads. Remote/virtual: ./proxy.ts (paths, shielding key, the index recipe and
 * its `config.json` companion) and the pure merge (./index-merge.ts).
 */
import type { FormatModule } from "../types";
import { cargoErrorFromContext } from "./errors";
import { cargoProxy } from "./proxy";
import { cargoRoutes } from "./routes";

export const cargoFormat: FormatModule = {
  name: "cargo",
  routes: cargoRoutes,
  errorResponse: cargoErrorFromContext,
  challengeAnonymousReads: true,
  proxy: cargoProxy,
};
