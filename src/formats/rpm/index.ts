/**
 * RPM (dnf, yum, zypper) repositories at `/rpm/{repo}/` with optional groups: `.rpm` upload
 * and delete, repodata (primary, filelists, other, repomd.xml signed with the repository's
 * OpenPGP key) rebuilt by the IndexBuilder as one generation after writes settle, .repo
 * files; remote mirrors of an upstream tree (signatures passed through); virtual repositories
 * merge their hosted members' repodata and re-sign it with their own key. docs/formats/rpm.md.
 */
import { openpgpKind } from "../../signing/openpgp";
import type { FormatModule } from "../types";
import { rpmErrorResponse } from "./errors";
import { rpmIndexes } from "./generation";
import { rpmProxy } from "./proxy";
import { rpmRoutes } from "./routes";

export const rpmFormat: FormatModule = {
  name: "rpm",
  routes: rpmRoutes,
  errorResponse: rpmErrorResponse,
  proxy: rpmProxy,
  indexes: rpmIndexes,
  signingKeys: [openpgpKind],
};
