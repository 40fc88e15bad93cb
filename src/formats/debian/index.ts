/**
 * Debian (apt) repositories at `/debian/{repo}/`: `.deb` upload and delete, signed indexes
 * (Release, InRelease, Release.gpg, Packages) rebuilt by the IndexBuilder as one generation
 * after writes settle, pool downloads; remote mirrors of an upstream tree (signatures passed
 * through). docs/formats/debian.md.
 */
import { openpgpKind } from "../../signing/openpgp";
import type { FormatModule } from "../types";
import { debianErrorResponse } from "./errors";
import { debianIndexes } from "./generation";
import { debianProxy } from "./proxy";
import { debianRoutes } from "./routes";

export const debianFormat: FormatModule = {
  name: "debian",
  routes: debianRoutes,
  errorResponse: debianErrorResponse,
  proxy: debianProxy,
  indexes: debianIndexes,
  signingKeys: [openpgpKind],
};
